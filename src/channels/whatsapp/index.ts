// WhatsApp through Twilio, described as a ChannelSpec over the pure modules beside it
// (formatting, chunking, the send policy and the 24-hour window): an adapter, not a second copy.
import { chunkReply, WHATSAPP_MAX_CHARS } from "./chunk-reply";
import { INBOUND_MAX_BYTES } from "./media-limits";
import { decideOnSendFailure, isTransientDeliveryError, maxRetryGapMs } from "./send-policy";
import { normalizeSender } from "../../shared/phone";
import { parseInboundForm } from "./twilio-form";
import type { FormParams } from "./twilio-signature";
import { formatForWhatsApp } from "./format";
import { SESSION_WINDOW_MS } from "./window";
import type { ChannelSpec, InboundMediaKind, InboundParse } from "../channel";

/** Twilio's quick-reply content: a button's title is at most 20 characters, its id 200. */
const QUICK_REPLY_TITLE_MAX = 20;
const QUICK_REPLY_ID_MAX = 200;
/** Twilio's "Guidance on WhatsApp Media Messages": 16 MB per outbound message. */
const OUTBOUND_MAX_BYTES = 16_000_000;

export const whatsappChannel: ChannelSpec = {
  name: "whatsapp",
  displayName: "WhatsApp",
  serviceName: "Twilio",
  chatNoun: "number",
  limits: {
    maxTextChars: WHATSAPP_MAX_CHARS,
    // A media message's caption is its body: the same limit.
    maxCaptionChars: WHATSAPP_MAX_CHARS,
    maxButtons: 3,
    maxButtonTitleChars: QUICK_REPLY_TITLE_MAX,
    maxButtonPayloadBytes: QUICK_REPLY_ID_MAX,
    acksTaps: false,
    inboundMaxBytes: Math.max(...Object.values(INBOUND_MAX_BYTES)),
    outboundMaxBytes: OUTBOUND_MAX_BYTES,
    canEdit: false,
    replyWindowMs: SESSION_WINDOW_MS,
    // Twilio queues and paces a sender's messages itself.
    minGapMs: 0,
  },
  format: {
    format: formatForWhatsApp,
    // As the run's replies are sent today: formatted first, then chunked (run-effects.ts).
    render: (markdown, limit = WHATSAPP_MAX_CHARS) => chunkReply(formatForWhatsApp(markdown), limit),
  },
  /**
   * Twilio's policy (send-policy.ts): the outbox says whether the window is open (retries then
   * come within seconds) and whether a template failed; no chat is reported as gone, since
   * Twilio's dead-channel codes already fail quietly.
   */
  decideOnFailure: (failure, attempts, now, random, context = {}) =>
    decideOnSendFailure(failure, attempts, now, { random, maxGapMs: maxRetryGapMs(context.windowOpen ?? false), template: context.template ?? false }),
  isTransientDeliveryFailure: isTransientDeliveryError,
};

/** Twilio's form for an incoming message as the channel-neutral inbound: a tapped quick reply is a button. */
export function parseWhatsAppForm(params: FormParams): InboundParse {
  const form = parseInboundForm(params);
  if (!form.ok) return { ok: false, refused: "malformed", reason: form.reason };
  const f = form.value;
  const sender = normalizeSender(f.From);
  // As the Twilio route does today: a sender without a number (a username-based id) reaches no agent.
  if (sender.kind !== "phone") return { ok: false, refused: "unsupported", reason: "a sender without a phone number" };
  const base = { channel: "whatsapp" as const, chat: sender.phone, from: sender.phone, dedupeKey: f.MessageSid, profileName: f.ProfileName ?? null };
  if (f.ButtonPayload) return { ok: true, inbound: { ...base, kind: "button", payload: f.ButtonPayload, title: f.ButtonText ?? f.Body, ackRef: null, messageRef: null } };
  const media = f.media.map((m) => ({ kind: mediaKindOf(m.contentType), ref: m.url, contentType: m.contentType, size: null, name: null, durationSec: null }));
  return { ok: true, inbound: { ...base, kind: "message", messageId: f.MessageSid, text: f.Body, media, ...(f.OriginalRepliedMessageSid ? { repliedTo: f.OriginalRepliedMessageSid } : {}) } };
}

/** WhatsApp sends voice notes as audio/ogg (Opus); Twilio does not tell a voice note from an audio file. */
function mediaKindOf(contentType: string): InboundMediaKind {
  const base = contentType.split(";")[0]!.trim().toLowerCase();
  if (base.startsWith("image/")) return "image";
  if (base === "audio/ogg") return "voice";
  if (base.startsWith("audio/")) return "audio";
  if (base.startsWith("video/")) return "video";
  return "document";
}
