// WhatsApp's part of the relay's configuration: the Twilio account, its sender and its API bases,
// and who may write (by phone number).
import * as z from "zod/mini";
import { httpUrl, optional, type ConfigProblems, type SettingProblem } from "../../config/config-fields";
import { parseNumberListDetailed } from "../../shared/phone";

export const WhatsappEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: optional(z.string().check(z.minLength(1))),
  TWILIO_AUTH_TOKEN: optional(z.string().check(z.minLength(1))),
  TWILIO_WHATSAPP_FROM: optional(z.string().check(z.regex(/^whatsapp:\+[1-9]\d{7,14}$/, "TWILIO_WHATSAPP_FROM must be whatsapp:+E164"))),
  TWILIO_API_BASE: optional(httpUrl),
  TWILIO_MESSAGING_API_BASE: optional(httpUrl),
  TWILIO_TEMPLATE_SID: optional(z.string().check(z.regex(/^HX\w+$/, "TWILIO_TEMPLATE_SID must start with HX"))),
  TWILIO_CONTENT_API_BASE: optional(httpUrl),
});

/** Who may write through WhatsApp, E.164 numbers separated by commas: a part of their own (channels/config.ts's CHANNEL_WRITERS_SETTINGS), after the relay's own setting. */
export const WHATSAPP_WRITERS_SHAPE = {
  ALLOWED_SENDERS: z.optional(z.string()),
  ADMIN_SENDERS: z.optional(z.string()),
};

export type WhatsappConfig = {
  /** ALLOWED_SENDERS / ADMIN_SENDERS: E.164 numbers. */
  allowedSenders: ReadonlySet<string>;
  adminSenders: ReadonlySet<string>;
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

/** Entries of a list that are not numbers fail closed, named by list. */
export function whatsappWriters(e: z.infer<z.ZodMiniObject<typeof WHATSAPP_WRITERS_SHAPE>>): { ok: true; config: Pick<WhatsappConfig, "allowedSenders" | "adminSenders"> } | ConfigProblems {
  const allowed = parseNumberListDetailed(e.ALLOWED_SENDERS);
  const admins = parseNumberListDetailed(e.ADMIN_SENDERS);
  const lists = [listProblem("ALLOWED_SENDERS", allowed.invalid), listProblem("ADMIN_SENDERS", admins.invalid)].filter((p) => p !== null);
  if (lists.length > 0) return { ok: false, problems: lists };
  return { ok: true, config: { allowedSenders: allowed.numbers, adminSenders: admins.numbers } };
}

/** Every setting has a default or may be absent; TWILIO_AUTH_TOKEN also signs media links when MEDIA_SIGNING_KEY is unset. */
export function whatsappConfig(e: z.infer<typeof WhatsappEnvSchema>): { ok: true; config: Pick<WhatsappConfig, "twilio"> } {
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
  };
}

/**
 * A list's entries that are not E.164, counted but not quoted: every problem names its setting
 * and never a value (they reach GET /health, src/config/config-check.ts).
 */
function listProblem(name: string, invalid: string[]): string | null {
  if (invalid.length === 0) return null;
  return `${name}: ${invalid.length === 1 ? "an entry is" : `${invalid.length} entries are`} not an E.164 number (+15551234567)`;
}

/** WhatsApp's lists of who may write (WHATSAPP_WRITERS_SHAPE). */
export const WHATSAPP_WRITER_LISTS = ["ALLOWED_SENDERS", "ADMIN_SENDERS"] as const;
/** The secret that signs media links when MEDIA_SIGNING_KEY is unset (twilio.authToken above). */
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
