// A status callback names the outbox row it reports on in its URL (`/twilio/status?o=<id>`, signed
// with it): the object finds the row by its id and applies the report only when the row was sent as
// the callback's MessageSid. A callback naming no row (a message sent before the URL named one) is
// found by its SID, without an index. A malformed id is refused.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { expect, it } from "vitest";
import { ask, newSid, postSigned, sentTo, stubFor } from "./helpers";
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000238";

type Row = { id: number; status: string; error_code: string | null; sent_ref: string | null };
const outboxOf = () =>
  runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<Row>("SELECT id, status, error_code, sent_ref FROM outbox ORDER BY id").toArray());
const callback = (sid: string, status: string, extra: Record<string, string> = {}) => ({ MessageSid: sid, MessageStatus: status, To: `whatsapp:${phone}`, AccountSid: TEST_ACCOUNT_SID, ...extra });

it("a callback is applied by the row its URL names, only to the row sent as its SID; one naming none by its SID", async () => {
  expect(await ask(phone, "ping")).toBe("echo: ping");
  const [row] = await outboxOf();
  const [sent] = await sentTo(phone);
  expect(row).toMatchObject({ status: "sent", sent_ref: sent!.sid });
  // The URL the relay gave Twilio names the row.
  const recorded = (await (await fetch(`${env.TWILIO_API_BASE}/__emulator/messages?to=${encodeURIComponent(`whatsapp:${phone}`)}`)).json()) as { messages: { statusCallback: string | null }[] };
  expect(recorded.messages.map((m) => m.statusCallback)).toEqual([`${TEST_PUBLIC_URL}/twilio/status?o=${row!.id}`]);

  // Forged: our row's id with another SID, or our SID with a row that is not there. Nothing moves.
  expect((await postSigned(`/twilio/status?o=${row!.id}`, callback(newSid(), "failed", { ErrorCode: "63016" }))).status).toBe(204);
  expect((await postSigned(`/twilio/status?o=${row!.id + 1000}`, callback(sent!.sid, "failed", { ErrorCode: "30001" }))).status).toBe(204);
  expect(await outboxOf()).toEqual([row]);

  expect((await postSigned(`/twilio/status?o=${row!.id}`, callback(sent!.sid, "delivered"))).status).toBe(204);
  expect((await outboxOf())[0]).toMatchObject({ status: "delivered", error_code: null });
  // Sent before the URL named its row: found by the SID.
  expect((await postSigned("/twilio/status", callback(sent!.sid, "read"))).status).toBe(204);
  expect(await outboxOf()).toEqual([{ ...row, status: "read" }]);
});

it("refuses a malformed row id (400), and a signature made without the id (403)", async () => {
  for (const o of ["0", "-1", "abc", "1.5", "99999999999999999"]) {
    expect((await postSigned(`/twilio/status?o=${o}`, callback(newSid(), "delivered"))).status, `o=${o}`).toBe(400);
  }
  const form = callback(newSid(), "delivered");
  const withoutId = getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${TEST_PUBLIC_URL}/twilio/status`, form);
  expect((await postSigned("/twilio/status?o=1", form, withoutId)).status).toBe(403);
});
