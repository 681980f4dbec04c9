// The worker-telegram project's settings: the Worker with a Telegram bot whose Bot API is the
// stand-in (emulator/telegram/), started by this project's global setup.
export const TELEGRAM_TEST_TOKEN = "123456:TEST-token-for-the-relay-outbox-tests";
export const TELEGRAM_TEST_SECRET = "telegram-webhook-secret-for-tests";

export function telegramBindings(urls: { telegramBase: string }): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN,
    TELEGRAM_API_BASE: urls.telegramBase,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_TEST_SECRET,
    // Progress updates within seconds, to see them edit one message.
    PROGRESS_AFTER_MS: "1000",
    PROGRESS_EVERY_MS: "1000",
  };
}
