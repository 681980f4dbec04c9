// Telegram's part of the relay's configuration (docs/channels.md): unset token, no Telegram; a
// token needs the webhook's secret; who may write, by numeric user id.
import * as z from "zod/mini";
import { httpUrl, optional, type ConfigProblems, type SettingProblem } from "../../config/config-fields";
import { parseTelegramUserIds } from "./user-ids";
import { MIN_WEBHOOK_SECRET_CHARS, SECRET_TOKEN_PATTERN } from "./webhook-secret";

export const TelegramEnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: optional(z.string().check(z.regex(/^\d{1,20}:[A-Za-z0-9_-]{1,100}$/, "TELEGRAM_BOT_TOKEN must look like 123456789:AA… (from @BotFather)"))),
  // Telegram takes 1-256 characters; the relay wants 32 or more, as the secret alone vouches for
  // who an update comes from (an admin's id included).
  TELEGRAM_WEBHOOK_SECRET: optional(
    z.string().check(
      z.regex(SECRET_TOKEN_PATTERN, "TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z, a-z, 0-9, _ and -"),
      z.minLength(MIN_WEBHOOK_SECRET_CHARS, `TELEGRAM_WEBHOOK_SECRET must be at least ${MIN_WEBHOOK_SECRET_CHARS} characters`),
    ),
  ),
  TELEGRAM_API_BASE: optional(httpUrl),
  ALLOWED_TELEGRAM_USERS: z.optional(z.string()),
  ADMIN_TELEGRAM_USERS: z.optional(z.string()),
});

/**
 * `webhookSecret` null: the bot is configured but its webhook cannot verify an update, so it takes
 * none (503, `TELEGRAM_WEBHOOK_SECRET is not set`) while replies still go out.
 */
export type TelegramConfig = { token: string; webhookSecret: string | null; apiBase: string };

export type TelegramSettings = {
  /** TELEGRAM_BOT_TOKEN and its webhook's secret; null: no Telegram (its webhook answers 404). */
  telegram: TelegramConfig | null;
  /** ALLOWED_TELEGRAM_USERS / ADMIN_TELEGRAM_USERS: numeric Telegram user ids. */
  allowedTelegramUsers: ReadonlySet<string>;
  adminTelegramUsers: ReadonlySet<string>;
};

/**
 * A bot token without the webhook's secret is not a failure of the whole relay: the webhook
 * refuses every update (503) and the settings check (telegramNeeds) names the secret.
 */
export function telegramConfig(e: z.infer<typeof TelegramEnvSchema>): { ok: true; config: Pick<TelegramSettings, "telegram"> } {
  if (e.TELEGRAM_BOT_TOKEN === undefined) return { ok: true, config: { telegram: null } };
  return { ok: true, config: { telegram: { token: e.TELEGRAM_BOT_TOKEN, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET ?? null, apiBase: e.TELEGRAM_API_BASE ?? "https://api.telegram.org" } } };
}

/** Ids that are not ids fail closed, named by list (never quoted: problems reach GET /health). */
export function telegramWriters(e: z.infer<typeof TelegramEnvSchema>): { ok: true; config: Pick<TelegramSettings, "allowedTelegramUsers" | "adminTelegramUsers"> } | ConfigProblems {
  const allowed = parseTelegramUserIds(e.ALLOWED_TELEGRAM_USERS);
  const admins = parseTelegramUserIds(e.ADMIN_TELEGRAM_USERS);
  const problems = [idsProblem("ALLOWED_TELEGRAM_USERS", allowed.invalid), idsProblem("ADMIN_TELEGRAM_USERS", admins.invalid)].filter((p) => p !== null);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { allowedTelegramUsers: allowed.ids, adminTelegramUsers: admins.ids } };
}

function idsProblem(name: string, invalid: string[]): string | null {
  if (invalid.length === 0) return null;
  return `${name}: ${invalid.length === 1 ? "an entry is" : `${invalid.length} entries are`} not a numeric Telegram user id (a @username is not an id)`;
}

/** Telegram's lists of who may write. */
export const TELEGRAM_WRITER_LISTS = ["ALLOWED_TELEGRAM_USERS", "ADMIN_TELEGRAM_USERS"] as const;

/**
 * What Telegram needs once a bot token is set: the webhook's secret. `has`: whether a setting is
 * set (not blank). Names only, for the relay's settings check (src/config/config-check.ts).
 */
export function telegramNeeds(has: (name: string) => boolean): SettingProblem[] {
  if (!has("TELEGRAM_BOT_TOKEN") || has("TELEGRAM_WEBHOOK_SECRET")) return [];
  return [{ name: "TELEGRAM_WEBHOOK_SECRET", problem: "is not set (required with TELEGRAM_BOT_TOKEN): the webhook refuses every update" }];
}
