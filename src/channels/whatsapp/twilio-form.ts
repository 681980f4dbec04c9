// The forms Twilio posts to the relay (incoming WhatsApp message, status callback), parsed
// with zod; unknown fields are tolerated, as Twilio adds fields without notice.
import * as z from "zod/mini";
import "../../shared/zod-messages";
import type { FormParams } from "./twilio-signature";

const SidSchema = z.string().check(z.regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/, "must be a Twilio SID (two letters + 32 hex)"));
const MAX_MEDIA = 10;
/** Twilio serves media over https (the emulator over http); any other scheme is not media. */
const MediaUrlSchema = z.url({ protocol: /^https?$/ });

const InboundFormSchema = z.looseObject({
  MessageSid: SidSchema,
  AccountSid: z.string().check(z.minLength(1, "AccountSid is required")),
  From: z.string().check(z.minLength(1, "From is required")),
  To: z.string().check(z.minLength(1, "To is required")),
  Body: z._default(z.string(), ""),
  NumMedia: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(MAX_MEDIA)), 0),
  ProfileName: z.optional(z.string()),
  WaId: z.optional(z.string()),
  // A tapped quick-reply button: its title, and the id the relay gave it (Body is the title too).
  ButtonText: z.optional(z.string().check(z.maxLength(200))),
  ButtonPayload: z.optional(z.string().check(z.maxLength(1000))),
  // The message a reply quotes (a review comment on a /diff picture names it): one that is not a SID is no quote, never a refused message.
  OriginalRepliedMessageSid: z.catch(z.optional(SidSchema), undefined),
});

export type InboundMedia = { url: string; contentType: string };
type InboundForm = z.infer<typeof InboundFormSchema> & { media: InboundMedia[] };

const StatusFormSchema = z.looseObject({
  MessageSid: SidSchema,
  MessageStatus: z.enum(["accepted", "queued", "sending", "sent", "delivered", "read", "failed", "undelivered", "scheduled", "canceled", "receiving", "received"]),
  To: z.string().check(z.minLength(1, "To is required")),
  ErrorCode: z.optional(z.string()),
});
type StatusForm = z.infer<typeof StatusFormSchema>;

type FormParse<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Repeated keys keep their last value except MediaUrlN, which are read by index. */
function toRecord(params: FormParams): Record<string, string> {
  return Object.fromEntries(params);
}

function reasonOf(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ");
}

export function parseInboundForm(params: FormParams): FormParse<InboundForm> {
  const record = toRecord(params);
  const parsed = InboundFormSchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  const media: InboundMedia[] = [];
  for (let i = 0; i < parsed.data.NumMedia; i++) {
    const url = MediaUrlSchema.safeParse(record[`MediaUrl${i}`]);
    if (!url.success) return { ok: false, reason: `MediaUrl${i}: missing or not an http(s) URL while NumMedia is ${parsed.data.NumMedia}` };
    media.push({ url: url.data, contentType: record[`MediaContentType${i}`] ?? "application/octet-stream" });
  }
  return { ok: true, value: { ...parsed.data, media } };
}

export function parseStatusForm(params: FormParams): FormParse<StatusForm> {
  const parsed = StatusFormSchema.safeParse(toRecord(params));
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: reasonOf(parsed.error) };
}

/**
 * The outbox row a status callback names in its URL's query (`?o=<id>`, as the channel client asks
 * it): a positive integer, or absent (a message sent before callbacks named their row).
 */
const CallbackRowSchema = z.optional(z.string().check(z.regex(/^[1-9][0-9]{0,14}$/, "o: must be an outbox row id (a positive integer)")));

export function parseStatusCallbackRow(o: string | undefined): FormParse<number | undefined> {
  const parsed = CallbackRowSchema.safeParse(o);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  return { ok: true, value: parsed.data === undefined ? undefined : Number(parsed.data) };
}
