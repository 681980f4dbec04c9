// The Twilio account WhatsApp messages go out through, read from the configuration: both
// credentials, or none is usable (nothing is sent, no attachment fetched, no button made).
import type { Config } from "../../config/config";

export type TwilioAccount = { accountSid: string; authToken: string; from: string; apiBase: string; messagingApiBase: string; contentApiBase: string };

export function twilioAccountOf(config: Pick<Config, "twilio"> | null): TwilioAccount | null {
  const t = config?.twilio;
  if (!t?.accountSid || !t.authToken) return null;
  return { accountSid: t.accountSid, authToken: t.authToken, from: t.from, apiBase: t.apiBase, messagingApiBase: t.messagingApiBase, contentApiBase: t.contentApiBase };
}
