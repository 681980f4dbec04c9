// Middleware for Twilio webhooks: the account's settings, bounded body, form decoding,
// X-Twilio-Signature check. Answers 503 (an account setting is not set), 413/415/403 itself; on
// success the route reads the verified pairs from `twilioParams`, and refuses a form of another
// Twilio account (refuseForeignAccount) once it has parsed it.
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import type { Config } from "../../config/config";
import { refuseUnverifiable, type ConfigVariables } from "../../config/require-config";
import { logEvent } from "../../shared/log";
import { type FormParams, validateTwilioSignature } from "./twilio-signature";
import { readCappedBytes } from "../../protocol/capped-body";

const MAX_WEBHOOK_BYTES = 64 * 1024;
/** One per isolate: a decoder keeps no state between whole-buffer decodes. */
const utf8 = new TextDecoder();

export type WebhookVariables = ConfigVariables & { twilioParams: FormParams; publicOrigin: string };

// A named function, so a CPU profile of the bundle names it.
export const verifyTwilioWebhook = createMiddleware<{ Bindings: Env; Variables: WebhookVariables }>(async function verifyTwilioWebhook(c, next) {
  const config = c.get("config");
  const requestUrl = new URL(c.req.url);
  // Without the token nothing can be verified, without the SID no form is ours: a missing setting,
  // not a forged request (src/config/require-config.ts).
  const { accountSid, authToken } = config.twilio;
  if (accountSid === null || authToken === null) {
    refuseUnverifiable(requestUrl.pathname, [...(accountSid === null ? ["TWILIO_ACCOUNT_SID"] : []), ...(authToken === null ? ["TWILIO_AUTH_TOKEN"] : [])]);
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) throw new HTTPException(413, { message: `body over ${MAX_WEBHOOK_BYTES} bytes` });
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new HTTPException(415, { message: "expected application/x-www-form-urlencoded" });
  }
  // Read up to the bound only: a chunked body declares no length, and buffered whole it could take
  // the isolate's memory from every other sender's webhook.
  const raw = await readCappedBytes(c.req.raw, MAX_WEBHOOK_BYTES);
  if (raw === null) throw new HTTPException(413, { message: `body over ${MAX_WEBHOOK_BYTES} bytes` });
  const params: FormParams = [...new URLSearchParams(utf8.decode(raw))];

  const publicOrigin = config.publicUrl ?? requestUrl.origin;
  const signedUrl = `${publicOrigin}${requestUrl.pathname}${requestUrl.search}`;
  const valid = await validateTwilioSignature({ authToken, signature: c.req.header("x-twilio-signature"), url: signedUrl, params });
  if (!valid) {
    logEvent("webhook_rejected", { path: requestUrl.pathname, reason: c.req.header("x-twilio-signature") ? "bad_signature" : "no_signature" });
    throw new HTTPException(403, { message: "invalid or missing X-Twilio-Signature" });
  }
  c.set("twilioParams", params);
  c.set("publicOrigin", publicOrigin);
  await next();
});

/**
 * A signed form must also be about our account: a webhook of another account changes nothing
 * here (403). Twilio always sends AccountSid, so a form without it is malformed (400, as the
 * inbound form's schema says too). A relay without TWILIO_ACCOUNT_SID never gets here (503 above).
 */
export function refuseForeignAccount(config: Config, params: FormParams, path: string): void {
  const accountSid = params.findLast(([name]) => name === "AccountSid")?.[1];
  if (accountSid === undefined || accountSid === "") throw new HTTPException(400, { message: "AccountSid is required" });
  if (config.twilio.accountSid !== null && accountSid === config.twilio.accountSid) return;
  logEvent("webhook_rejected", { path, reason: "foreign_account" });
  throw new HTTPException(403, { message: "AccountSid is not this relay's Twilio account" });
}
