// WhatsApp's part of the relay's configuration: the Twilio account, its sender and its API bases.
import * as z from "zod/mini";
import { httpUrl, optional, type SettingProblem } from "../../config/config-fields";

export const WhatsappEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: optional(z.string().check(z.minLength(1))),
  TWILIO_AUTH_TOKEN: optional(z.string().check(z.minLength(1))),
  TWILIO_WHATSAPP_FROM: optional(z.string().check(z.regex(/^whatsapp:\+[1-9]\d{7,14}$/, "TWILIO_WHATSAPP_FROM must be whatsapp:+E164"))),
  TWILIO_API_BASE: optional(httpUrl),
  TWILIO_MESSAGING_API_BASE: optional(httpUrl),
  TWILIO_TEMPLATE_SID: optional(z.string().check(z.regex(/^HX\w+$/, "TWILIO_TEMPLATE_SID must start with HX"))),
  TWILIO_CONTENT_API_BASE: optional(httpUrl),
});

export type WhatsappConfig = {
  twilio: {
    accountSid: string | null;
    authToken: string | null;
    from: string;
    apiBase: string;
    messagingApiBase: string;
    templateSid: string | null;
    /** Twilio's Content API (quick-reply buttons on approval prompts). */
    contentApiBase: string;
  };
};

/** Every setting has a default or may be absent; TWILIO_AUTH_TOKEN also signs media links when MEDIA_SIGNING_KEY is unset. */
export function whatsappConfig(e: z.infer<typeof WhatsappEnvSchema>): { ok: true; config: WhatsappConfig; mediaSigningSecret: string | null } {
  return {
    ok: true,
    config: {
      twilio: {
        accountSid: e.TWILIO_ACCOUNT_SID ?? null,
        authToken: e.TWILIO_AUTH_TOKEN ?? null,
        from: e.TWILIO_WHATSAPP_FROM ?? "whatsapp:+14155238886",
        apiBase: e.TWILIO_API_BASE ?? "https://api.twilio.com",
        messagingApiBase: e.TWILIO_MESSAGING_API_BASE ?? "https://messaging.twilio.com",
        templateSid: e.TWILIO_TEMPLATE_SID ?? null,
        contentApiBase: e.TWILIO_CONTENT_API_BASE ?? "https://content.twilio.com",
      },
    },
    mediaSigningSecret: e.TWILIO_AUTH_TOKEN ?? null,
  };
}

/** WhatsApp's lists of who may write (parsed by src/config/config.ts with the rest). */
export const WHATSAPP_WRITER_LISTS = ["ALLOWED_SENDERS", "ADMIN_SENDERS"] as const;
/** The secret that signs media links when MEDIA_SIGNING_KEY is unset (mediaSigningSecret above). */
export const WHATSAPP_SIGNING_SETTING = "TWILIO_AUTH_TOKEN";

/**
 * What WhatsApp needs to take a message: the account (its token verifies every webhook, its SID
 * says a webhook is about this account). TWILIO_WHATSAPP_FROM has a default, the sandbox's number.
 * `has`: whether a setting is set (not blank).
 */
export function whatsappNeeds(has: (name: string) => boolean): SettingProblem[] {
  const needed = [
    ["TWILIO_ACCOUNT_SID", "is not set: no webhook can be checked as this account's, so every one is refused (503)"],
    ["TWILIO_AUTH_TOKEN", "is not set: no webhook can be verified, so every one is refused (503)"],
  ] as const;
  return needed.filter(([name]) => !has(name)).map(([name, problem]) => ({ name, problem }));
}
