// Generated Twilio webhook forms through the pure parsers the Worker uses: any list of pairs is a
// parsed form or a one-line reason, never a throw, and what parses is what the route relies on.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isE164, normalizeSender } from "../../src/shared/phone";
import { quoteInput } from "../../src/shared/quote-input";
import { parseInboundForm, parseStatusForm } from "../../src/channels/whatsapp/twilio-form";

const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 60 }));
const fieldName = fc.oneof(
  fc.constantFrom("MessageSid", "AccountSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaUrl1", "MediaContentType0", "ProfileName", "WaId", "MessageStatus", "ErrorCode", "messagesid", "MessageSid "),
  anyText,
);
const fieldValue = fc.oneof(
  anyText,
  hex32.map((h) => `SM${h}`),
  fc.constantFrom("", "0", "1", "10", "11", "-1", "1.5", "1e1", "NaN", "Infinity", "0x1", " 2", "whatsapp:+15550000100", "+15550000100", "whatsapp:user.abc", "sent", "Delivered", "read\n", "https://api.twilio.com/m/1", "javascript:alert(1)", "file:///etc/passwd", "data:text/plain,hi"),
);
const pairs = fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 25 });

/** A well-formed inbound form, as Twilio posts it, before any mutation. */
function validInbound(sid: string, extra: [string, string][] = []): [string, string][] {
  return [["MessageSid", sid], ["AccountSid", "AC0123"], ["From", "whatsapp:+15550000100"], ["To", "whatsapp:+14155238886"], ["Body", "hi"], ["NumMedia", "0"], ...extra];
}

describe("parseInboundForm under generated forms", () => {
  it("parses or refuses with one line, and what parses has a SID and exactly NumMedia http(s) media", () => {
    fc.assert(
      fc.property(pairs, (params) => {
        const form = parseInboundForm(params);
        if (!form.ok) {
          expect(form.reason).not.toMatch(LINE_BREAK);
          expect(form.reason.length).toBeGreaterThan(0);
          expect(form.reason.length).toBeLessThanOrEqual(1000);
          return;
        }
        expect(form.value.MessageSid).toMatch(SID);
        expect(form.value.media).toHaveLength(form.value.NumMedia);
        for (const m of form.value.media) expect(new URL(m.url).protocol).toMatch(/^https?:$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses a valid-looking form with one field broken, naming the field", () => {
    const breakage = fc.oneof(
      fc.constantFrom<[string, string | null]>(
        ["MessageSid", null], ["MessageSid", ""], ["MessageSid", "SM123"], ["MessageSid", `sm${"a".repeat(32)}`], ["MessageSid", `SM${"g".repeat(32)}`],
        ["MessageSid", `SM${"a".repeat(32)}\n`], ["MessageSid", `ＳＭ${"a".repeat(32)}`], ["MessageSid", `SM${"٣".repeat(32)}`],
        ["AccountSid", null], ["AccountSid", ""], ["From", null], ["From", ""], ["To", null], ["To", ""],
        ["NumMedia", "-1"], ["NumMedia", "11"], ["NumMedia", "1.5"], ["NumMedia", "abc"], ["NumMedia", "NaN"], ["NumMedia", "Infinity"], ["NumMedia", "1"], ["NumMedia", "2"],
      ),
      hex32.map((h): [string, string | null] => ["MessageSid", `S${h}`]),
    );
    fc.assert(
      fc.property(hex32, breakage, fc.array(fc.tuple(anyText, anyText), { maxLength: 5 }), (h, [field, value], extra) => {
        const base = validInbound(`SM${h}`).filter(([k]) => k !== field);
        const broken = value === null ? base : [...base, [field, value] as [string, string]];
        // Unknown extra fields are tolerated, but must not mend or hide the broken one.
        const params = [...extra.filter(([k]) => !["MessageSid", "AccountSid", "From", "To", "NumMedia", "Body"].includes(k) && !k.startsWith("Media")), ...broken];
        const form = parseInboundForm(params);
        expect(form.ok).toBe(false);
        if (!form.ok) {
          expect(form.reason).toContain(field === "NumMedia" && /^[12]$/.test(value ?? "") ? "MediaUrl0" : field);
          expect(form.reason).not.toMatch(LINE_BREAK);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses media that is not an http(s) URL", () => {
    fc.assert(
      fc.property(hex32, fc.constantFrom("javascript:alert(1)", "file:///etc/passwd", "data:text/plain,hi", "ftp://example.com/x", "mailto:a@b.c", "not a url", ""), (h, url) => {
        const form = parseInboundForm(validInbound(`SM${h}`, [["NumMedia", "1"], ["MediaUrl0", url]]));
        expect(form.ok).toBe(false);
      }),
      { numRuns: 50, examples: [["0".repeat(32), "javascript:alert(1)"], ["0".repeat(32), "file:///etc/passwd"]] },
    );
    expect(parseInboundForm(validInbound(`SM${"0".repeat(32)}`, [["NumMedia", "1"], ["MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"]])).ok).toBe(true);
  });
});

describe("parseStatusForm under generated forms", () => {
  it("parses or refuses with one line; what parses has a SID and a known status", () => {
    fc.assert(
      fc.property(pairs, (params) => {
        const form = parseStatusForm(params);
        if (!form.ok) {
          expect(form.reason).not.toMatch(LINE_BREAK);
          expect(form.reason.length).toBeLessThanOrEqual(1000);
          return;
        }
        expect(form.value.MessageSid).toMatch(SID);
        expect(["accepted", "queued", "sending", "sent", "delivered", "read", "failed", "undelivered", "scheduled", "canceled", "receiving", "received"]).toContain(form.value.MessageStatus);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("normalizeSender and quoteInput under generated text", () => {
  it("never throws, and a phone is always E.164 taken verbatim from the input", () => {
    const from = fc.oneof(
      anyText,
      anyText.map((t) => `whatsapp:${t}`),
      fc.stringMatching(/^\+[0-9]{6,17}$/).map((p) => `whatsapp:${p}`),
      fc.constantFrom("whatsapp:+١٥٥٥٠٠٠٠١٠٠", "whatsapp:+1 555 000 0100", "WhatsApp:+15550000100", "whatsapp:whatsapp:+15550000100", "whatsapp:+15550000100\n", "\u202ewhatsapp:+15550000100"),
    );
    fc.assert(
      fc.property(from, (text) => {
        const sender = normalizeSender(text);
        if (sender.kind === "phone") {
          expect(isE164(sender.phone)).toBe(true);
          expect([sender.phone, `whatsapp:${sender.phone}`]).toContain(text);
        } else expect(sender.id).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("quotes input on one short line", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string({ unit: "binary", minLength: 50, maxLength: 5000 })), (text) => {
        const quoted = quoteInput(text);
        expect(quoted).not.toMatch(LINE_BREAK);
        expect([...quoted].length).toBeLessThanOrEqual(60);
      }),
      { numRuns: 1000 },
    );
  });
});
