// Settings of the worker-telegram project (vitest.config.ts): the Worker with a Telegram bot whose
// Bot API is the stand-in in emulator/telegram/, started by this project's global-setup.ts.
export const TEST_TELEGRAM_TOKEN = "123456789:AAHtestTokenForTheWorkerTelegramProj";
export const TEST_TELEGRAM_SECRET = "test-webhook-secret_0123456789abcdef";
/** Telegram users 700100 … 700199 are allowed (each test its own), 700000 an admin; others are strangers. */
export const TEST_TELEGRAM_ALLOWED = Array.from({ length: 100 }, (_, i) => String(700_100 + i));
export const TEST_TELEGRAM_ADMIN = "700000";

export function telegramBindings(apiBase: string): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TEST_TELEGRAM_SECRET,
    TELEGRAM_API_BASE: apiBase,
    ALLOWED_TELEGRAM_USERS: TEST_TELEGRAM_ALLOWED.join(","),
    ADMIN_TELEGRAM_USERS: TEST_TELEGRAM_ADMIN,
    // Progress updates within seconds, to see them edit one message.
    PROGRESS_AFTER_MS: "1000",
    PROGRESS_EVERY_MS: "1000",
  };
}
