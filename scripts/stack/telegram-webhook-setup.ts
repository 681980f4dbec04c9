// `npm run telegram:webhook`, its work: checks the bot's settings, asks the Bot API who the bot is
// (a wrong token is named here, not at the first message), registers the webhook with its secret
// and the command menu, and says what it did. The Bot API's fetch is injected.
import { z } from "zod";
import { BotUserSchema, DEFAULT_API_BASE, methodUrl, readApiAnswer } from "../../src/channels/telegram/api";
import { telegramCommands } from "../../src/channels/telegram/command-menu";
import { COMMAND_HELP } from "../../src/commands/commands";
import { ALLOWED_UPDATES } from "../../src/channels/telegram/update";
import { MIN_WEBHOOK_SECRET_CHARS, SECRET_TOKEN_PATTERN } from "../../src/channels/telegram/webhook-secret";

const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const WebhookVarsSchema = z.object({
  TELEGRAM_BOT_TOKEN: z.preprocess(
    blankIsUnset,
    z.string({ error: "is missing: create a bot with @BotFather (/newbot) and put its token in .dev.vars or the environment" }).regex(/^\d{1,15}:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token (123456789:AA… as @BotFather gives it)"),
  ),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    blankIsUnset,
    z
      .string({ error: `is missing: choose a secret (${MIN_WEBHOOK_SECRET_CHARS}-256 of A-Z a-z 0-9 _ -), e.g. \`openssl rand -hex 32\`` })
      .regex(SECRET_TOKEN_PATTERN, "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)")
      // The relay's own floor: the Worker refuses a shorter secret, so registering one would help nobody.
      .min(MIN_WEBHOOK_SECRET_CHARS, `must be at least ${MIN_WEBHOOK_SECRET_CHARS} characters (the relay refuses a shorter one), e.g. \`openssl rand -hex 32\``),
  ),
  PUBLIC_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/, error: "is missing or not an http(s) URL: the relay's public address (the Worker's URL, or a tunnel to it)" })),
  TELEGRAM_API_BASE: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).default(DEFAULT_API_BASE)),
});
export type WebhookVars = z.infer<typeof WebhookVarsSchema>;

export type SetupResult = { ok: true; lines: string[] } | { ok: false; problem: string };

/** The settings, or each problem named by its variable. */
export function readWebhookVars(env: Record<string, string | undefined>): { ok: true; vars: WebhookVars } | { ok: false; problem: string } {
  const parsed = WebhookVarsSchema.safeParse(env);
  if (parsed.success) return { ok: true, vars: parsed.data };
  return { ok: false, problem: parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("\n") };
}

/** The webhook's address: the relay's public URL and the route the Worker serves. */
export function webhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/telegram/webhook`;
}

export async function setUpTelegramWebhook(vars: WebhookVars, fetchFn: typeof fetch = fetch): Promise<SetupResult> {
  const call = async (method: string, params: Record<string, unknown>) => {
    try {
      const res = await fetchFn(methodUrl(vars.TELEGRAM_API_BASE, vars.TELEGRAM_BOT_TOKEN, method), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(15_000),
      });
      return readApiAnswer(res.status, await res.json().catch(() => null));
    } catch (error) {
      return { ok: false as const, errorCode: "network", retryable: true, chatGone: false, detail: error instanceof Error ? error.message : String(error) };
    }
  };
  const where = vars.TELEGRAM_API_BASE;

  const me = await call("getMe", {});
  if (!me.ok) {
    if (me.errorCode === "telegram:401" || me.errorCode === "telegram:404") return { ok: false, problem: `TELEGRAM_BOT_TOKEN is wrong: the Bot API at ${where} answered getMe with ${me.detail}. Copy the token again from @BotFather (/token).` };
    return { ok: false, problem: `could not reach the Bot API at ${where} (getMe: ${me.detail})` };
  }
  const bot = BotUserSchema.safeParse(me.result);
  if (!bot.success) return { ok: false, problem: `the Bot API at ${where} answered getMe with something that is not a bot` };
  const name = bot.data.username ? `@${bot.data.username}` : bot.data.first_name;

  const url = webhookUrl(vars.PUBLIC_URL);
  const hook = await call("setWebhook", { url, secret_token: vars.TELEGRAM_WEBHOOK_SECRET, allowed_updates: ALLOWED_UPDATES });
  if (!hook.ok) return { ok: false, problem: `setWebhook for ${name} failed: ${hook.detail}${url.startsWith("http:") ? " (Telegram takes only https webhooks on ports 443, 80, 88 or 8443)" : ""}` };

  const commands = telegramCommands(COMMAND_HELP);
  const menu = await call("setMyCommands", { commands });
  const lines = [
    `Bot ${name} (id ${bot.data.id}) at ${where}`,
    `Webhook set: ${url} (secret from TELEGRAM_WEBHOOK_SECRET; updates: ${ALLOWED_UPDATES.join(", ")})`,
    menu.ok ? `Command menu set: ${commands.length} commands (${commands.map((c) => `/${c.command}`).join(" ")})` : `Command menu not set: ${menu.detail} (the webhook is set; run this again to retry)`,
  ];
  return { ok: true, lines };
}
