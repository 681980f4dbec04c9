// The Message resource JSON Twilio returns for a message, built from the emulator's stored record.
import type { Button } from "./content-render";
import { isWhatsApp } from "./phone";

export type MessageStatus = "accepted" | "queued" | "sent" | "delivered" | "read" | "failed";

/** A MediaUrl of a sent message: what was asked for, then what Twilio's fetch of it found. */
export type OutboundMedia = {
  /** The Media resource (`ME…`) the fetched bytes became; null until fetched. */
  sid: string | null;
  url: string;
  contentType: string | null;
  size: number | null;
  filename: string | null;
};

export type OutboundMessage = {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  /** True when the request named no From and a Messaging Service chose the sender. */
  fromService: boolean;
  messagingServiceSid: string | undefined;
  /** The text sent: the Body, or the content template rendered with its variables. */
  body: string;
  contentSid: string | undefined;
  contentVariables: Record<string, string> | undefined;
  /** Quick-reply buttons the rendered content carries; empty for text. */
  buttons: Button[];
  media: OutboundMedia[];
  /** Sent with a WhatsApp-approved template: what WhatsApp allows outside the 24-hour window. */
  sentAsTemplate: boolean;
  statusCallback: string | undefined;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it left Twilio's queue (`date_sent`); unset while accepted or queued. */
  sentAt?: number;
};

/** Twilio's dates are RFC 2822 in UTC: `Thu, 30 Jul 2015 20:12:31 +0000`. */
export function rfc2822(at: number): string {
  return new Date(at).toUTCString().replace("GMT", "+0000");
}

/** WhatsApp messages are one segment; SMS bodies split at 160 GSM-7 characters, 153 per part when split. */
export function countSegments(to: string, body: string): number {
  if (isWhatsApp(to) || body.length <= 160) return 1;
  return Math.ceil(body.length / 153);
}

/** Twilio's `date_sent`: null until the message leaves the queue. */
export function dateSentOf(message: OutboundMessage): number | null {
  if (message.status === "accepted" || message.status === "queued") return null;
  return message.sentAt ?? message.updatedAt;
}

export function toMessageResource(message: OutboundMessage) {
  const uri = `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: "2010-04-01",
    body: message.body,
    date_created: rfc2822(message.createdAt),
    date_sent: dateSentOf(message) === null ? null : rfc2822(dateSentOf(message)!),
    date_updated: rfc2822(message.updatedAt),
    direction: "outbound-api",
    error_code: message.errorCode,
    error_message: message.errorMessage,
    // Twilio leaves `from` null until a Messaging Service has picked the sender.
    from: message.fromService && message.status === "accepted" ? null : message.from,
    messaging_service_sid: message.messagingServiceSid ?? null,
    num_media: String(message.media.length),
    num_segments: String(countSegments(message.to, message.body)),
    price: null,
    price_unit: "USD",
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}
