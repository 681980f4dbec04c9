// Delivers soak messages to the Worker as Twilio does: a signed webhook, retried with the same
// MessageSid until it gets a 200, a bounded number of times. Loopback targets only.
import { inboundForm, signedPost } from "../lib/webhooks";

export type WebhookTarget = { url: string; accountSid: string; authToken: string };
export type Webhook = { phone: string; text: string; sid: string };

/** Twilio-like retries: 10 attempts within about 90 s, each allowed 15 s. */
export const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000, 15_000] as const;
export const ATTEMPT_TIMEOUT_MS = 15_000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`the soak only talks to loopback addresses, not ${host}`);
}

/** One attempt: the HTTP status, or 0 when there was no answer (refused, reset, timed out). */
export async function postWebhook(target: WebhookTarget, webhook: Webhook, signal?: AbortSignal): Promise<number> {
  assertLoopback(target.url);
  const form = inboundForm(webhook, target.accountSid);
  const { body, headers } = signedPost(target.url, form, target.authToken);
  try {
    const timeout = AbortSignal.timeout(ATTEMPT_TIMEOUT_MS);
    const response = await fetch(target.url, { method: "POST", headers, body, signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}

export type DeliveryOutcome = { acceptedAt: number | null; statuses: number[] };

/** Posts until a 200, the attempts run out, or `signal` aborts; `onAccepted` fires at the first 200. */
export async function deliver(target: WebhookTarget, webhook: Webhook, onAccepted: (at: number) => void, signal: AbortSignal): Promise<DeliveryOutcome> {
  const statuses: number[] = [];
  for (let attempt = 0; !signal.aborted; attempt++) {
    const status = await postWebhook(target, webhook, signal);
    statuses.push(status);
    if (status === 200) {
      const at = Date.now();
      onAccepted(at);
      return { acceptedAt: at, statuses };
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) break;
    await abortableSleep(delay, signal);
  }
  return { acceptedAt: null, statuses };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
