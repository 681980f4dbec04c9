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

/**
 * Twilio authenticates every API request with the Account SID and Auth Token as Basic credentials.
 * With `ownPath`, the route's `:accountSid` must be that account too: credentials of one account
 * cannot reach another account's resources.
 */
export function requireTwilioAuth(config: EmulatorConfig, options: { ownPath?: boolean } = {}): MiddlewareHandler {
  const expected = { username: config.accountSid, password: config.authToken };
  return async (c, next) => {
    const authenticated = credentialsMatch(parseBasicAuth(c.req.header("authorization")), expected);
    if (!authenticated || (options.ownPath && c.req.param("accountSid") !== config.accountSid)) {
      return twilioError(c, TwilioErrors.authenticate);
    }
    await next();
  };
}

/** Twilio reads `application/x-www-form-urlencoded`; for a repeated field the last value wins here. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  return Object.fromEntries(await readParams(c));
}

/** The form with repeated fields kept (MediaUrl). */
export async function readParams(c: Context): Promise<URLSearchParams> {
  return new URLSearchParams(await c.req.text());
}

/** The origin the client reached the emulator at: it stands for api.twilio.com and content.twilio.com in URLs Twilio returns. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}
