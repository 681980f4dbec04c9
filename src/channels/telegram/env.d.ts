// Telegram's settings in the Worker's global Env (merged with src/env.d.ts): the bot, its
// webhook's secret and who may write, parsed by src/channels/telegram/config.ts.
interface Env {
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  TELEGRAM_API_BASE?: string;
  ALLOWED_TELEGRAM_USERS?: string;
  ADMIN_TELEGRAM_USERS?: string;
}
