import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";

it("health", async () => {
  const res = await exports.default.fetch("http://x/health");
  expect(await res.json()).toEqual({ ok: true });
  const stub = env.PHONE_AGENT.get(env.PHONE_AGENT.idFromName("+1"));
  expect(await stub.ping()).toBe(1);
  await runInDurableObject(stub, async (_i, state) => expect(state.storage.sql.databaseSize).toBeGreaterThan(0));
});
