// Posts a form to an application the way Twilio does: urlencoded, signed with X-Twilio-Signature.
import webhooks from "twilio/lib/webhooks/webhooks.js";

const POST_TIMEOUT_MS = 15_000;

export type PostResult = { ok: true; status: number } | { ok: false; error: string };

export async function postSignedForm(
  url: string,
  form: Record<string, string>,
  authToken: string,
  shutdown: AbortSignal,
): Promise<PostResult> {
  const signature = webhooks.getExpectedTwilioSignature(authToken, url, form);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": signature,
        "user-agent": "TwilioProxy/1.1",
      },
      body: new URLSearchParams(form),
      signal: AbortSignal.any([shutdown, AbortSignal.timeout(POST_TIMEOUT_MS)]),
    });
    await response.arrayBuffer();
    return { ok: true, status: response.status };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
