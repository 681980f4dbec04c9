// What happens to a sent message after Twilio accepts it: the statuses it moves through, WhatsApp's 24-hour window included.
import { isWhatsApp } from "./phone";
import { OUTSIDE_WINDOW } from "./twilio-errors";
import type { MessageStatus } from "./message-resource";

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export type DeliveryStep = { status: MessageStatus; errorCode: number | null; errorMessage: string | null };

/**
 * A user with no known inbound message counts as inside the window: a deliberate deviation
 * from Twilio, so tests that never model the user writing first still get their replies.
 */
export function isOutsideWindow(lastInboundAt: number | undefined, now: number): boolean {
  return lastInboundAt !== undefined && now - lastInboundAt > WHATSAPP_WINDOW_MS;
}

export function deliveryPlan(
  message: { to: string; contentSid: string | undefined },
  lastInboundAt: number | undefined,
  now: number,
): DeliveryStep[] {
  const step = (status: MessageStatus): DeliveryStep => ({ status, errorCode: null, errorMessage: null });
  if (!isWhatsApp(message.to)) return [step("sent"), step("delivered")];
  // Templates (ContentSid) are what WhatsApp allows outside the window; free-form text is not.
  if (!message.contentSid && isOutsideWindow(lastInboundAt, now)) {
    return [{ status: "failed", errorCode: OUTSIDE_WINDOW.code, errorMessage: OUTSIDE_WINDOW.message }];
  }
  return [step("sent"), step("delivered"), step("read")];
}
