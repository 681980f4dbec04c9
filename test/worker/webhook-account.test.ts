// A webhook signed with our auth token but about another Twilio account is refused with 403 on
// both routes (one about none with 400), before any object is looked up or changed.
import { env } from "cloudflare:workers";
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ask, inboundForm, postSigned, sentTo, stubFor } from "./helpers";
import { TEST_ACCOUNT_SID } from "./test-env";

const phone = "+15550000158";
const OTHER_ACCOUNT = "AC" + "f".repeat(32);

const objectExists = async (name: string) => {
  const wanted = env.PHONE_AGENT.idFromName(name);
  return (await listDurableObjectIds(env.PHONE_AGENT)).some((id) => id.equals(wanted));
};
const outboxOf = (name: string) =>
  runInDurableObject(stubFor(name), (_a, state) => state.storage.sql.exec<{ status: string; error_code: string | null }>("SELECT status, error_code FROM outbox ORDER BY id").toArray());

it("/twilio/inbound: another account's message (403), or one without AccountSid (400), is refused and stored nowhere", async () => {
  const foreign = await postSigned("/twilio/inbound", inboundForm(phone, "hello", { AccountSid: OTHER_ACCOUNT }));
  expect(foreign.status).toBe(403);
  expect(await foreign.json()).toEqual({ error: "AccountSid is not this relay's Twilio account" });
  const { AccountSid: _ours, ...withoutAccount } = inboundForm(phone, "hello");
  // Twilio always sends AccountSid: a form without it is malformed (400), as before.
  expect((await postSigned("/twilio/inbound", withoutAccount)).status).toBe(400);
  expect(await objectExists(phone)).toBe(false);
  expect(await sentTo(phone)).toEqual([]);
});

it("/twilio/status: another account's callback (403), or one without AccountSid (400), changes nothing; ours is applied", async () => {
  expect(await ask(phone, "ping")).toBe("echo: ping");
  const [sent] = await sentTo(phone);
  const callback = { MessageSid: sent!.sid, MessageStatus: "failed", ErrorCode: "63016", To: `whatsapp:${phone}` };
  const before = await outboxOf(phone);
  expect(before).toEqual([{ status: "sent", error_code: null }]);

  const foreign = await postSigned("/twilio/status", { ...callback, AccountSid: OTHER_ACCOUNT });
  expect(foreign.status).toBe(403);
  // Twilio always sends AccountSid: a callback without it is malformed.
  expect((await postSigned("/twilio/status", callback)).status).toBe(400);
  // A 63016 would have failed the row and held a copy: neither happened.
  expect(await outboxOf(phone)).toEqual(before);

  expect((await postSigned("/twilio/status", { MessageSid: sent!.sid, MessageStatus: "delivered", To: `whatsapp:${phone}`, AccountSid: TEST_ACCOUNT_SID })).status).toBe(204);
  expect(await outboxOf(phone)).toEqual([{ status: "delivered", error_code: null }]);
});
