import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { bodies, eventually, inboundForm, postSigned, sentTo, stubFor, vmRequests } from "./helpers";

const phone = "+15550000113";

it("stores and processes a redelivered MessageSid once", async () => {
  const form = inboundForm(phone, "run the migrations");
  const answers = await Promise.all([postSigned("/twilio/inbound", form), postSigned("/twilio/inbound", form)]);
  expect(answers.map((r) => r.status)).toEqual([200, 200]);
  await eventually(async () => (await sentTo(phone)).length === 1);
  // Twilio retries later too.
  expect((await postSigned("/twilio/inbound", form)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));

  expect(bodies(await sentTo(phone))).toEqual(["echo: run the migrations"]);
  expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(1);
  const count = await runInDurableObject(stubFor(phone), (_a, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM messages").one().n,
  );
  expect(count).toBe(1);
});
