// Generated status callbacks at POST /twilio/status, correctly signed: unknown SIDs, statuses
// that are not Twilio's, backward moves, garbage fields, recipients the relay never wrote to.
// Each is a one-line 400 or a harmless 204: not one row of the phone's object changes, and no
// object is created for anyone else.
import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually, postSigned, query, sendInbound } from "./helpers";
import { TEST_ACCOUNT_SID, TEST_ALLOWED, TEST_WHATSAPP_FROM } from "./test-env";

const PHONE = "+15550000189";
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const TWILIO_STATUSES = ["accepted", "queued", "sending", "sent", "delivered", "read", "failed", "undelivered", "scheduled", "canceled", "receiving", "received"];

beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => undefined));
afterAll(() => vi.restoreAllMocks());

const objectIds = async () => new Set((await listDurableObjectIds(env.PHONE_AGENT)).map((id) => id.toString()));

/** Every row the phone's object keeps, in a fixed order. */
async function snapshot(): Promise<unknown[]> {
  const tables = ["messages", "runs", "outbox", "settings", "schedules", "task_runs", "vm_answers"];
  const rows = await Promise.all(tables.map((t) => query(PHONE, `SELECT * FROM ${t} ORDER BY 1`)));
  return rows;
}

async function expectClearAnswer(res: Response, allowed: readonly number[]): Promise<void> {
  const text = await res.text();
  expect(allowed, `status ${res.status}: ${text.slice(0, 200)}`).toContain(res.status);
  if (res.status === 204) return;
  const { error } = JSON.parse(text) as { error: string };
  expect(error.length).toBeGreaterThan(0);
  expect(error).not.toMatch(LINE_BREAK);
}

const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }));
const unknownSid = fc.stringMatching(/^[0-9a-f]{32}$/).map((h) => `SM${h}`);
const strangerPhone = fc.stringMatching(/^\+[1-9][0-9]{7,14}$/).filter((p) => !TEST_ALLOWED.includes(p));
const callback = (sid: string, status: string, extra: Record<string, string> = {}) => ({
  MessageSid: sid, MessageStatus: status, To: `whatsapp:${PHONE}`, From: TEST_WHATSAPP_FROM, AccountSid: TEST_ACCOUNT_SID, ApiVersion: "2010-04-01", ...extra,
});

describe("signed garbage at POST /twilio/status", () => {
  let knownSid = "";
  let before: unknown[] = [];
  let objectsBefore = new Set<string>();

  beforeAll(async () => {
    // One reply sent and read: the row every callback below aims at, at its last status.
    await sendInbound(PHONE, "hello");
    const [row] = await eventually(async () => {
      const rows = await query<{ sent_ref: string | null }>(PHONE, "SELECT sent_ref FROM outbox WHERE sent_ref IS NOT NULL");
      return rows.length === 1 && rows;
    });
    knownSid = row!.sent_ref!;
    expect((await postSigned("/twilio/status", callback(knownSid, "read"))).status).toBe(204);
    await eventually(async () => (await query<{ n: number }>(PHONE, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]!.n === 0);
    before = await snapshot();
    objectsBefore = await objectIds();
    expect(await query(PHONE, "SELECT status FROM outbox")).toEqual([{ status: "read" }]);
  });

  it("answers any signed form with 204, a one-line 400, or 403 for another account's AccountSid, changing nothing", async () => {
    const value = fc.oneof(anyText, unknownSid, fc.constantFrom(...TWILIO_STATUSES, `whatsapp:${PHONE}`, "", "63016"));
    const name = fc.oneof(fc.constantFrom("MessageSid", "MessageStatus", "To", "From", "ErrorCode", "SmsStatus", "AccountSid"), anyText);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, value, { maxKeys: 10 }), async (form) => {
        await expectClearAnswer(await postSigned("/twilio/status", form), [204, 400, 403]);
        expect(await snapshot()).toEqual(before);
        expect(await objectIds()).toEqual(objectsBefore);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses statuses Twilio does not send, and ignores unknown SIDs and backward moves", async () => {
    const notAStatus = fc.oneof(
      anyText.filter((s) => !TWILIO_STATUSES.includes(s)),
      fc.constantFrom("Delivered", "READ", " sent", "sent\n", "ｓｅｎｔ", "delivered,read", "failed;", "null"),
    );
    const garbageExtras = fc.dictionary(fc.constantFrom("ErrorCode", "ErrorMessage", "SmsStatus", "ChannelStatusMessage", "EventType"), anyText, { maxKeys: 3 });
    const cases = fc.oneof(
      // Not Twilio's status at all, for the known SID: refused.
      fc.record({ sid: fc.constant("known"), status: notAStatus, extra: garbageExtras, expected: fc.constant(400) }),
      // A SID the relay never sent, with anything Twilio could say: nothing to move.
      fc.record({ sid: unknownSid, status: fc.constantFrom(...TWILIO_STATUSES), extra: garbageExtras, expected: fc.constant(204) }),
      // The known SID moving back from read, or a status the relay does not track.
      fc.record({ sid: fc.constant("known"), status: fc.constantFrom("accepted", "queued", "sending", "sent", "delivered", "read", "scheduled", "canceled", "receiving", "received"), extra: garbageExtras, expected: fc.constant(204) }),
      // A SID that is not a SID.
      fc.record({ sid: fc.oneof(anyText, fc.constantFrom(`sm${"a".repeat(32)}`, `SM${"a".repeat(31)}`, "")), status: fc.constantFrom(...TWILIO_STATUSES), extra: garbageExtras, expected: fc.constant(400) }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ sid, status, extra, expected }) => {
        const res = await postSigned("/twilio/status", callback(sid === "known" ? knownSid : sid, status, extra));
        await expectClearAnswer(res, [expected]);
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it("creates no object for a recipient the relay does not serve", async () => {
    const recipient = fc.oneof(
      strangerPhone.map((p) => ({ to: `whatsapp:${p}`, expected: [204] })),
      strangerPhone.map((p) => ({ to: p, expected: [204] })),
      fc.constantFrom("whatsapp:user.abc", "whatsapp:", "", "whatsapp:+1 555 000 0189", "whatsapp:+١٥٥٥٠٠٠٠١٨٩").map((to) => ({ to, expected: [400] })),
    );
    await fc.assert(
      fc.asyncProperty(recipient, unknownSid, fc.constantFrom("sent", "delivered", "read", "failed", "undelivered"), async ({ to, expected }, sid, status) => {
        const res = await postSigned("/twilio/status", callback(sid, status, { To: to, ErrorCode: "63016" }));
        await expectClearAnswer(res, expected);
        expect(await objectIds()).toEqual(objectsBefore);
      }),
      {
        numRuns: 60,
        // Found by this generator: any E.164 recipient got its own Durable Object (and storage).
        examples: [[{ to: "whatsapp:+15559999999", expected: [204] }, `SM${"0".repeat(32)}`, "delivered"]],
      },
    );
    expect(await snapshot()).toEqual(before);
  });
});
