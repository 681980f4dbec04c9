// Telegram's side of "unauthenticated traffic stays cheap": a flood of updates with a wrong or no
// secret reaches no Durable Object, and an allowed user's updates ask the directory where their
// chat goes once per isolate while it is not linked, not once per update (home-cache.ts). Counted
// on the real namespaces (../worker/counting-env.ts).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect, it } from "vitest";
import { SECRET_HEADER } from "../../src/channels/telegram/webhook-secret";
import worker from "../../src/index";
import { countingEnv } from "../worker/counting-env";
import { eventually, query } from "../worker/helpers";
import { TEST_PUBLIC_URL } from "../worker/test-env";
import { userWrites } from "./helpers";
import { TEST_TELEGRAM_SECRET } from "./telegram-env";

async function post(counting: ReturnType<typeof countingEnv>, update: unknown, secret: string | null): Promise<number> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "content-type": "application/json", ...(secret === null ? {} : { [SECRET_HEADER]: secret }) };
  const res = await worker.fetch(new Request(`${TEST_PUBLIC_URL}/telegram/webhook`, { method: "POST", headers, body: JSON.stringify(update) }), counting.env, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return res.status;
}

it("updates with a wrong or no secret: every one 401, no object asked", async () => {
  const counting = countingEnv();
  const update = await userWrites("700140", { text: "hello" });
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    for (const secret of [null, "wrong", `${TEST_TELEGRAM_SECRET}x`, TEST_TELEGRAM_SECRET.slice(0, -1)]) statuses.push(await post(counting, { ...update, update_id: update.update_id + i }, secret));
  }
  expect(counting.counted.calls).toEqual([]);
  expect(new Set(statuses)).toEqual(new Set([401]));
});

it("an allowed user's updates: the directory is asked where the chat goes once, each update stored in the user's object", async () => {
  const counting = countingEnv();
  const user = "700141";
  for (let i = 0; i < 12; i++) expect(await post(counting, await userWrites(user, { text: `note ${i}` }), TEST_TELEGRAM_SECRET)).toBe(200);
  expect(counting.counted.calls.filter((c) => c.startsWith("USER_DIRECTORY.homeOf"))).toEqual(["USER_DIRECTORY.homeOf()"]);
  expect(counting.counted.calls.filter((c) => c === "PHONE_AGENT.enqueue()")).toHaveLength(12);
  await eventually(async () => (await query<{ n: number }>(`tg-${user}`, "SELECT count(*) AS n FROM messages WHERE body LIKE 'note %'"))[0]?.n === 12);
});
