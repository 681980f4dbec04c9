import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../src/channels";
import { parseWhatsAppForm, whatsappChannel } from "../../src/channels/whatsapp";
import { chunkReply } from "../../src/channels/whatsapp/chunk-reply";
import { decideOnSendFailure } from "../../src/channels/whatsapp/send-policy";
import { formatForWhatsApp } from "../../src/channels/whatsapp/format";

const SID = `SM${"a".repeat(32)}`;
const form = (extra: Record<string, string>) => Object.entries({ MessageSid: SID, AccountSid: `AC${"b".repeat(32)}`, From: "whatsapp:+15550001111", To: "whatsapp:+15550009999", ...extra });

describe("WhatsApp as a channel: the same behaviour as today", () => {
  it("renders as the run's replies are sent: formatted, then chunked at 1,600", () => {
    const text = `# Plan\n**bold** and _it_\n${"word ".repeat(700)}\n\`\`\`ts\nconst a = 1;\n\`\`\``;
    expect(whatsappChannel.format.render(text)).toEqual(chunkReply(formatForWhatsApp(text)));
    expect(whatsappChannel.limits.maxTextChars).toBe(1600);
    // A caption's limit, as a file's caption is rendered.
    expect(whatsappChannel.format.render(text, 200)).toEqual(chunkReply(formatForWhatsApp(text), 200));
  });

  it("decides on failures as outbox-policy.ts does", () => {
    const now = 1_764_000_000_000;
    for (const failure of [
      { errorCode: "63016", retryable: false, chatGone: false },
      { errorCode: "21610", retryable: false, chatGone: false },
      { errorCode: "30007", retryable: false, chatGone: false },
      { errorCode: "http_503", retryable: true, chatGone: false, retryAfterMs: 5000 },
    ]) {
      expect(whatsappChannel.decideOnFailure(failure, 2, now, () => 0.5)).toEqual(decideOnSendFailure(failure, 2, now, { random: () => 0.5 }));
    }
  });

  it("has a 24-hour window and no edits", () => {
    expect(whatsappChannel.limits.replyWindowMs).toBe(24 * 3_600_000);
    expect(whatsappChannel.limits.canEdit).toBe(false);
  });

  it("both channels are registered by name", () => {
    expect(Object.keys(CHANNELS).sort()).toEqual(["telegram", "whatsapp"]);
    for (const [name, spec] of Object.entries(CHANNELS)) expect(spec.name).toBe(name);
  });
});

describe("parseWhatsAppForm", () => {
  it("a text message", () => {
    expect(parseWhatsAppForm(form({ Body: "hi", ProfileName: "Ada" }))).toEqual({
      ok: true,
      inbound: { kind: "message", channel: "whatsapp", chat: "+15550001111", from: "+15550001111", dedupeKey: SID, profileName: "Ada", messageId: SID, text: "hi", media: [] },
    });
  });

  it("media with their kinds (WhatsApp's voice notes are OGG)", () => {
    const parsed = parseWhatsAppForm(
      form({ NumMedia: "3", MediaUrl0: "https://api.twilio.com/m/0", MediaContentType0: "image/jpeg", MediaUrl1: "https://api.twilio.com/m/1", MediaContentType1: "audio/ogg; codecs=opus", MediaUrl2: "https://api.twilio.com/m/2", MediaContentType2: "application/pdf" }),
    );
    expect(parsed.ok && parsed.inbound.kind === "message" && parsed.inbound.media.map((m) => [m.kind, m.ref])).toEqual([
      ["image", "https://api.twilio.com/m/0"],
      ["voice", "https://api.twilio.com/m/1"],
      ["document", "https://api.twilio.com/m/2"],
    ]);
  });

  it("a reply quoting a message names it (a comment on a /diff picture); a quote that is not a SID is no quote, the message still taken", () => {
    const quoted = `SM${"c".repeat(32)}`;
    expect(parseWhatsAppForm(form({ Body: "add.js:2 keep it", OriginalRepliedMessageSid: quoted }))).toMatchObject({ ok: true, inbound: { kind: "message", text: "add.js:2 keep it", repliedTo: quoted } });
    const odd = parseWhatsAppForm(form({ Body: "hi", OriginalRepliedMessageSid: "not a sid" }));
    expect(odd).toMatchObject({ ok: true, inbound: { kind: "message", text: "hi" } });
    expect(odd.ok && "repliedTo" in odd.inbound).toBe(false);
  });

  it("a tapped quick reply is a button", () => {
    expect(parseWhatsAppForm(form({ Body: "Yes", ButtonText: "Yes", ButtonPayload: "approval:4:yes" }))).toMatchObject({
      ok: true,
      inbound: { kind: "button", payload: "approval:4:yes", title: "Yes", ackRef: null, dedupeKey: SID },
    });
  });

  it.each([
    ["a form without a MessageSid", Object.entries({ From: "whatsapp:+15550001111" }), "malformed"],
    ["a sender without a number", form({ From: "whatsapp:some.user", Body: "hi" }), "unsupported"],
  ])("refuses %s", (_, params, refused) => {
    expect(parseWhatsAppForm(params)).toMatchObject({ ok: false, refused });
  });
});
