// `npm run telegram:webhook`: registers the relay's Telegram webhook (PUBLIC_URL/telegram/webhook and
// its secret) and the command menu with the Bot API. Settings come from the environment, then .dev.vars.
import { existsSync, readFileSync } from "node:fs";
import { parseDotenv } from "./stack/dev-vars";
import { readWebhookVars, setUpTelegramWebhook } from "./stack/telegram-webhook-setup";

const NAMES = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PUBLIC_URL", "TELEGRAM_API_BASE"] as const;
const file = existsSync(".dev.vars") ? parseDotenv(readFileSync(".dev.vars", "utf8")) : {};
const env = Object.fromEntries(NAMES.map((name) => [name, process.env[name] || file[name]]));

const vars = readWebhookVars(env);
if (!vars.ok) {
  console.error(`[telegram] cannot register the webhook:\n${vars.problem}`);
  process.exit(2);
}
const result = await setUpTelegramWebhook(vars.vars);
if (!result.ok) {
  console.error(`[telegram] ${result.problem}`);
  process.exit(1);
}
for (const line of result.lines) console.log(`[telegram] ${line}`);
