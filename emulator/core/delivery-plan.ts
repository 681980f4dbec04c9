// What happens to a sent message after Twilio accepts it: the statuses it moves through, WhatsApp's 24-hour window included.
import { isWhatsApp } from "./phone";
import { DeliveryFailures, OUTSIDE_WINDOW, type DeliveryFailure } from "./twilio-errors";
import type { MessageStatus } from "./message-resource";

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;
/** WhatsApp shows at most three reply buttons in a session message that is not an approved template. */
export const SESSION_MAX_BUTTONS = 3;
/** A template's or quick reply's text, variables filled in, is at most 1024 characters on WhatsApp (Twilio's 63021). */
export const WHATSAPP_CONTENT_MAX_CHARS = 1024;

export type DeliveryStep = { status: MessageStatus; errorCode: number | null; errorMessage: string | null };

export type PlannedMessage = {
  to: string;
  /** Sent with a WhatsApp-approved template (ContentSid): allowed outside the window. */
  sentAsTemplate: boolean;
  buttonCount: number;
  /** The rendered body's length when sent with a ContentSid; null for Body. */
  contentBodyLength: number | null;
  /** Why fetching or checking its media failed, if it did (see media-checks). */
  mediaFailure: DeliveryFailure | null;
};

/**
 * A user with no known inbound message counts as inside the window: a deliberate deviation
 * from Twilio, so tests that never model the user writing first still get their replies.
 */
export function isOutsideWindow(lastInboundAt: number | undefined, now: number): boolean {
  return lastInboundAt !== undefined && now - lastInboundAt > WHATSAPP_WINDOW_MS;
}

/**
 * Twilio fetches media before handing the message to WhatsApp, so a media failure comes first.
 * Outside the window only approved templates go; anything else (text, media, an unapproved
 * quick reply) fails with 63016, as on Twilio.
 */
export function deliveryPlan(message: PlannedMessage, lastInboundAt: number | undefined, now: number): DeliveryStep[] {
  const step = (status: MessageStatus): DeliveryStep => ({ status, errorCode: null, errorMessage: null });
  const failed = (failure: DeliveryFailure): DeliveryStep[] => [{ status: "failed", errorCode: failure.code, errorMessage: failure.message }];
  if (message.mediaFailure) return failed(message.mediaFailure);
  if (!isWhatsApp(message.to)) return [step("sent"), step("delivered")];
  if (!message.sentAsTemplate && isOutsideWindow(lastInboundAt, now)) return failed(OUTSIDE_WINDOW);
  if (!message.sentAsTemplate && message.buttonCount > SESSION_MAX_BUTTONS) return failed(DeliveryFailures.channelRejected);
  const templateLike = message.sentAsTemplate || message.buttonCount > 0;
  if (templateLike && (message.contentBodyLength ?? 0) > WHATSAPP_CONTENT_MAX_CHARS) return failed(DeliveryFailures.contentTooLong);
  return [step("sent"), step("delivered"), step("read")];
}
