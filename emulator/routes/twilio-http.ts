// HTTP plumbing shared by the Twilio-shaped routes: Basic auth, urlencoded forms, Twilio error answers.
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { credentialsMatch, parseBasicAuth } from "../core/basic-auth";
import { TwilioErrors, twilioErrorBody, type TwilioError } from "../core/twilio-errors";
import type { EmulatorConfig } from "../config";

export function twilioError(c: Context, error: TwilioError): Response {
  if (error.status === 401) c.header("WWW-Authenticate", 'Basic realm="Twilio API"');
  return c.json(twilioErrorBody(error), error.status as ContentfulStatusCode);
}

/** Twilio authenticates every API request with the Account SID and Auth Token as Basic credentials. */
export function requireTwilioAuth(config: EmulatorConfig): MiddlewareHandler {
  const expected = { username: config.accountSid, password: config.authToken };
  return async (c, next) => {
    if (!credentialsMatch(parseBasicAuth(c.req.header("authorization")), expected)) {
      return twilioError(c, TwilioErrors.authenticate);
    }
    await next();
  };
}

/** Twilio reads `application/x-www-form-urlencoded`; for a repeated field the last value wins here. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await c.req.text()));
}
