// Telegram's part of the relay's configuration (docs/channels.md): unset token, no Telegram; a
// token needs the webhook's secret; who may write, by numeric user id.
import * as z from "zod/mini";
import { httpUrl, optional, type ConfigProblems } from "../../config-fields";
import { parseTelegramUserIds } from "./user-ids";
import { SECRET_TOKEN_PATTERN } from "./webhook-secret";

export const TelegramEnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: optional(z.string().check(z.regex(/^\d{1,20}:[A-Za-z0-9_-]{1,100}$/, "TELEGRAM_BOT_TOKEN must look like 123456789:AA… (from @BotFather)"))),
  TELEGRAM_WEBHOOK_SECRET: optional(z.string().check(z.regex(SECRET_TOKEN_PATTERN, "TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z, a-z, 0-9, _ and -"))),
  TELEGRAM_API_BASE: optional(httpUrl),
  ALLOWED_TELEGRAM_USERS: z.optional(z.string()),
  ADMIN_TELEGRAM_USERS: z.optional(z.string()),
});

export type TelegramConfig = { token: string; webhookSecret: string; apiBase: string };

export type TelegramSettings = {
  /** TELEGRAM_BOT_TOKEN and its webhook's secret; null: no Telegram (its webhook refuses everything). */
  telegram: TelegramConfig | null;
  /** ALLOWED_TELEGRAM_USERS / ADMIN_TELEGRAM_USERS: numeric Telegram user ids. */
  allowedTelegramUsers: ReadonlySet<string>;
  adminTelegramUsers: ReadonlySet<string>;
};

/** A bot token without the webhook's secret would take every update unchecked: fails closed. */
export function telegramConfig(e: z.infer<typeof TelegramEnvSchema>): { ok: true; config: TelegramSettings; mediaSigningSecret: null } | ConfigProblems {
  const allowed = parseTelegramUserIds(e.ALLOWED_TELEGRAM_USERS);
  const admins = parseTelegramUserIds(e.ADMIN_TELEGRAM_USERS);
  const invalid = [...allowed.invalid, ...admins.invalid];
  if (invalid.length > 0) return { ok: false, problems: [`not a numeric Telegram user id in ALLOWED_TELEGRAM_USERS/ADMIN_TELEGRAM_USERS: ${invalid.join(", ")} (a @username is not an id)`] };
  const settings = { allowedTelegramUsers: allowed.ids, adminTelegramUsers: admins.ids };
  if (e.TELEGRAM_BOT_TOKEN === undefined) return { ok: true, config: { telegram: null, ...settings }, mediaSigningSecret: null };
  if (e.TELEGRAM_WEBHOOK_SECRET === undefined) return { ok: false, problems: ["TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_BOT_TOKEN"] };
  const telegram = { token: e.TELEGRAM_BOT_TOKEN, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, apiBase: e.TELEGRAM_API_BASE ?? "https://api.telegram.org" };
  return { ok: true, config: { telegram, ...settings }, mediaSigningSecret: null };
}
