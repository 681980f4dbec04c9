// WhatsApp's customer-service window: free-form messages only within 24 h of the user's last
// message (Twilio error 63016 otherwise); outside it, only an approved template may be sent.
export const SESSION_WINDOW_MS = 24 * 60 * 60 * 1000;
export const WINDOW_CLOSED_ERROR = "63016";

/** A little margin, so a message queued at 23:59:59 is not sent into a closing window. */
const MARGIN_MS = 60_000;

/** Whether a free-form message sent at `now` still falls in a window of `windowMs` (WhatsApp's by default). */
export function isWindowOpen(lastInboundAt: number | null, now: number, windowMs = SESSION_WINDOW_MS): boolean {
  return lastInboundAt !== null && now - lastInboundAt < windowMs - MARGIN_MS;
}

/** Variables of the "a result is waiting" template: {{1}} says what is waiting. */
export function waitingTemplateVariables(what: string): string {
  return JSON.stringify({ "1": what.slice(0, 100) });
}
