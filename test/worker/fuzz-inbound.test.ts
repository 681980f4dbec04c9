// Generated forms at POST /twilio/inbound, each correctly signed so the signature check passes.
// Garbage is refused in one line (4xx) or, where the contract says so (a sender not allowed, an
// empty message), answered 200 with empty TwiML; either way no Durable Object is even created.
import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually, inboundForm, newSid, postSigned, query } from "./helpers";
import { TEST_ALLOWED } from "./test-env";

const PHONE = "+15550000180";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const LINE_BREAK = /[\n\r\u2028\u2029]/;

beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => undefined));
afterAll(() => vi.restoreAllMocks());

const objectIds = async () => new Set((await listDurableObjectIds(env.PHONE_AGENT)).map((id) => id.toString()));

/** The answer is 200 empty TwiML, or a 4xx whose JSON body gives one line (403: another account's AccountSid); never 5xx. */
async function expectClearAnswer(res: Response, allowed: readonly number[]): Promise<void> {
  const text = await res.text();
  expect(allowed, `status ${res.status}: ${text.slice(0, 200)}`).toContain(res.status);
  if (res.status === 200) {
    expect(text).toBe(EMPTY_TWIML);
    return;
  }
  const { error } = JSON.parse(text) as { error: string };
  expect(error.length).toBeGreaterThan(0);
  expect(error).not.toMatch(LINE_BREAK);
  expect(error.length).toBeLessThanOrEqual(1000);
}

const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }));
const fieldName = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("MessageSid", "AccountSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "ProfileName", "WaId", "SmsStatus", "ApiVersion") },
  { weight: 1, arbitrary: anyText },
);
const fieldValue = fc.oneof(
  anyText,
  // No allowed number: a random form must never be one the relay would store.
  fc.constantFrom("", "0", "-1", "11", "NaN", "+15559999999", "whatsapp:+15559999999", "whatsapp:user.abc", `SM${"a".repeat(32)}`, "javascript:alert(1)"),
  fc.integer({ min: 1, max: 80 * 1024 }).map((n) => "x".repeat(n)),
);
/** A well-formed not-allowed E.164 number: never one of the test allow-list. */
const strangerPhone = fc.stringMatching(/^\+[1-9][0-9]{7,14}$/).filter((p) => !TEST_ALLOWED.includes(p));

/** Breaks a valid inbound form of PHONE; says which answer the contract gives for it. */
type Breakage = { field: string; value: string | null; answer: "refused" | "ignored" };
const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.constantFrom<[string, string | null]>(
    ["MessageSid", null], ["MessageSid", ""], ["MessageSid", "SM123"], ["MessageSid", `sm${"a".repeat(32)}`], ["MessageSid", `SM${"g".repeat(32)}`],
    ["MessageSid", `SM${"a".repeat(32)}\n`], ["MessageSid", `ＳＭ${"a".repeat(32)}`], ["MessageSid", `SM${"٣".repeat(32)}`], ["MessageSid", `SM${"a".repeat(33)}`],
    ["AccountSid", null], ["AccountSid", ""], ["From", null], ["From", ""], ["To", null], ["To", ""],
    ["NumMedia", "-1"], ["NumMedia", "11"], ["NumMedia", "1.5"], ["NumMedia", "abc"], ["NumMedia", "NaN"], ["NumMedia", "Infinity"], ["NumMedia", "1"],
  ).map(([field, value]): Breakage => ({ field, value, answer: "refused" })),
  fc.constantFrom("javascript:alert(1)", "file:///etc/passwd", "data:text/plain,hi", "not a url", "//api.twilio.com/x").map((url): Breakage => ({ field: "MediaUrl0", value: url, answer: "refused" })),
  fc.oneof(
    strangerPhone.map((p) => `whatsapp:${p}`),
    fc.constantFrom(
      "whatsapp:user.abc123", "whatsapp:US.13491208655302741918", "whatsapp:", `whatsapp:${PHONE} `, `whatsapp:${PHONE}\n`, `WhatsApp:${PHONE}`, `whatsapp:whatsapp:${PHONE}`,
      "whatsapp:+1 555 000 0180", "whatsapp:+1-555-000-0180", "whatsapp:+١٥٥٥٠٠٠٠١٨٠", "whatsapp:＋１５５５００００１８０", `whatsapp:\u200e${PHONE}`, `\u202ewhatsapp:${PHONE}`, "sms:+15550000180", "whatsapp:15550000180",
    ),
  ).map((from): Breakage => ({ field: "From", value: from, answer: "ignored" })),
  fc.constantFrom("", " ", "\n\t", "\u00a0", "\u3000", "\u2028", "\ufeff", null).map((body): Breakage => ({ field: "Body", value: body, answer: "ignored" })),
);

describe("signed garbage at POST /twilio/inbound", () => {
  it("answers any signed form with 200 TwiML or a one-line 4xx, and creates no object", async () => {
    const before = await objectIds();
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fieldName, fieldValue, { maxKeys: 12 }), async (form) => {
        const res = await postSigned("/twilio/inbound", form);
        await expectClearAnswer(res, [200, 400, 403, 413]);
        expect(await objectIds()).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a valid-looking form with one field wrong, or ignores it where the contract says, touching nothing", async () => {
    const before = await objectIds();
    expect(before.has(env.PHONE_AGENT.idFromName(PHONE).toString())).toBe(false);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(breakage, { minLength: 1, maxLength: 3, selector: (b) => b.field }),
        fc.array(fc.tuple(anyText, anyText), { maxLength: 4 }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }).filter((b) => b.trim() !== ""),
        async (breaks, extra, body) => {
          const form: Record<string, string> = {};
          // Unknown fields are tolerated: first, so the form's own fields win.
          for (const [k, v] of extra) if (!(k in form)) form[k] = v;
          Object.assign(form, inboundForm(PHONE, body));
          for (const b of breaks) {
            if (b.value === null) delete form[b.field];
            else form[b.field] = b.value;
            if (b.field === "MediaUrl0") form.NumMedia = "1";
          }
          const res = await postSigned("/twilio/inbound", form);
          // A malformed form is refused before its sender is even looked at.
          const refused = breaks.some((b) => b.answer === "refused");
          await expectClearAnswer(res, refused ? [400] : [200]);
          expect(await objectIds()).toEqual(before);
        },
      ),
      {
        numRuns: 150,
        examples: [
          // Found by this generator: media that is not http(s) was stored and handed to the agent.
          [[{ field: "MediaUrl0", value: "javascript:alert(1)", answer: "refused" }], [], "look"],
          [[{ field: "MediaUrl0", value: "file:///etc/passwd", answer: "refused" }], [], "look"],
        ],
      },
    );

    // The same form unbroken is stored, once: the refusals above were not vacuous.
    const form = inboundForm(PHONE, "/status");
    const res = await postSigned("/twilio/inbound", form);
    await expectClearAnswer(res, [200]);
    expect(await query(PHONE, "SELECT id FROM messages")).toEqual([{ id: form.MessageSid }]);
  });

  it("stores a message whose fields are full of unicode exactly as sent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }).filter((b) => b.trim() !== "" && !b.trim().startsWith("/")), anyText, async (body, profile) => {
        const form = inboundForm("+15550000181", body, { ProfileName: profile });
        const res = await postSigned("/twilio/inbound", form);
        await expectClearAnswer(res, [200]);
        expect(await query("+15550000181", "SELECT body FROM messages WHERE id = ?", form.MessageSid!)).toEqual([{ body: form.Body }]);
      }),
      { numRuns: 25 },
    );
    // A redelivery (same MessageSid) of any of them is stored once.
    const again = inboundForm("+15550000181", "twice", { MessageSid: newSid() });
    for (let i = 0; i < 2; i++) await expectClearAnswer(await postSigned("/twilio/inbound", again), [200]);
    expect(await query("+15550000181", "SELECT count(*) AS n FROM messages WHERE id = ?", again.MessageSid!)).toEqual([{ n: 1 }]);
    // Let the agent's runs end, so no stream is cut when the file ends.
    await eventually(async () => {
      const [row] = await query<{ n: number }>("+15550000181", "SELECT (SELECT count(*) FROM runs WHERE phase != 'finished') + (SELECT count(*) FROM messages WHERE status = 'queued') + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')) AS n");
      return row!.n === 0;
    });
  });
});
