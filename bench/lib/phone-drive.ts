// Driving one phone against a relay under `wrangler dev`, for the sections that watch what a
// message does (the live page's): its signed webhooks, and a wait for what it leads to.
import { STAND_IN_CREDENTIALS } from "./stand-ins";
import { inboundForm, messageSid, signedPost } from "./webhooks";

/** Sends `phone`'s messages to the relay at `relayUrl` as Twilio would, one sid after another. */
export function phoneSender(relayUrl: string, phone: string): (text: string) => Promise<void> {
  let sid = 0;
  return async (text) => {
    const url = `${relayUrl}/twilio/inbound`;
    const { body, headers } = signedPost(url, inboundForm({ phone, text, sid: messageSid(++sid) }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
    const response = await fetch(url, { method: "POST", body, headers });
    if (response.status !== 200) throw new Error(`inbound answered ${response.status}`);
  };
}

/** The first non-null value `check` gives, polled every 50 ms; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(section: string, what: string, check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`${section}: no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
