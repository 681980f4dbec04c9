// Validates a Messages.json create request the way Twilio does, in Twilio's order, with its error codes.
import { z } from "zod";
import { MAX_MEDIA_URLS } from "./media-checks";
import { E164, isWhatsApp, phoneOf } from "./phone";
import { TwilioErrors, type TwilioError } from "./twilio-errors";

export const MAX_BODY_CHARS = 1600;
/** Each ContentVariables value, like a Body, is at most 1600 characters (Twilio's 21658). */
export const MAX_VARIABLE_CHARS = 1600;

/** The form fields Twilio reads (MediaUrl, repeatable, aside); every other field is ignored, as Twilio does. */
const MessageFormSchema = z.object({
  To: z.string().optional(),
  From: z.string().optional(),
  MessagingServiceSid: z.string().optional(),
  Body: z.string().optional(),
  ContentSid: z.string().optional(),
  ContentVariables: z.string().optional(),
  StatusCallback: z.string().optional(),
});

export type MessageRequest = {
  to: string;
  /** The sender named in the request; undefined when a Messaging Service picks it. */
  from: string | undefined;
  messagingServiceSid: string | undefined;
  body: string;
  contentSid: string | undefined;
  contentVariables: Record<string, string> | undefined;
  /** Every MediaUrl given, in order; ignored when a ContentSid is given. */
  mediaUrls: string[];
  statusCallback: string | undefined;
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: TwilioError };

const ContentVariablesSchema = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

/** `params` keeps repeated fields: MediaUrl may be given up to ten times; for any other field the last value counts. */
export function parseMessageRequest(params: URLSearchParams, whatsappFrom: string): Parsed<MessageRequest> {
  const fields = MessageFormSchema.parse(Object.fromEntries(params));
  const mediaUrls = params.getAll("MediaUrl").filter((url) => url !== "");
  const to = nonEmpty(fields.To);
  const from = nonEmpty(fields.From);
  const messagingServiceSid = nonEmpty(fields.MessagingServiceSid);
  const contentSid = nonEmpty(fields.ContentSid);
  const body = fields.Body ?? "";
  const fail = (error: TwilioError): Parsed<MessageRequest> => ({ ok: false, error });

  if (!to) return fail(TwilioErrors.toRequired);
  if (!E164.test(phoneOf(to))) return fail(TwilioErrors.invalidTo(to));
  if (!from && !messagingServiceSid) return fail(TwilioErrors.fromRequired);
  if (from && isWhatsApp(from) !== isWhatsApp(to)) return fail(TwilioErrors.channelMismatch);
  if (from && isWhatsApp(from) && from !== whatsappFrom) return fail(TwilioErrors.unknownSender);
  if (!contentSid && body.length === 0 && mediaUrls.length === 0) return fail(TwilioErrors.bodyRequired);
  if (!contentSid && body.length > MAX_BODY_CHARS) return fail(TwilioErrors.bodyTooLong);
  if (!contentSid && mediaUrls.length > MAX_MEDIA_URLS) return fail(TwilioErrors.tooManyMedia);
  if (!contentSid && !mediaUrls.every(isHttpUrl)) return fail(TwilioErrors.invalidMediaUrl);

  const contentVariables = parseContentVariables(fields.ContentVariables);
  if (contentVariables === "invalid") return fail(TwilioErrors.invalidContentVariables);
  if (Object.values(contentVariables ?? {}).some((value) => value.length > MAX_VARIABLE_CHARS)) {
    return fail(TwilioErrors.contentVariableTooLong);
  }
  const statusCallback = nonEmpty(fields.StatusCallback);
  if (statusCallback && !isHttpUrl(statusCallback)) return fail(TwilioErrors.invalidStatusCallback);

  return {
    ok: true,
    value: { to, from, messagingServiceSid, body, contentSid, contentVariables, mediaUrls: contentSid ? [] : mediaUrls, statusCallback },
  };
}

function parseContentVariables(raw: string | undefined): Record<string, string> | undefined | "invalid" {
  if (raw === undefined || raw === "") return undefined;
  try {
    const parsed = ContentVariablesSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : "invalid";
  } catch {
    return "invalid";
  }
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
