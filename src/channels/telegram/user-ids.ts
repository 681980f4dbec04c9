// ALLOWED_TELEGRAM_USERS and ADMIN_TELEGRAM_USERS: numeric Telegram user ids, comma-separated.

/** A user id as Telegram gives it: a positive integer of up to 52 bits, in decimal. */
const USER_ID = /^[1-9]\d{0,15}$/;

/** Whether `text` is a Telegram user id (digits, no sign, within a safe integer). */
export function isTelegramUserId(text: string): boolean {
  return USER_ID.test(text) && Number.isSafeInteger(Number(text));
}

/** A user id as usage texts show one. */
export const TELEGRAM_USER_ID_EXAMPLE = "123456789";

/**
 * The ids in `csv`, and the entries that are not ids (a `@username` is the usual mistake: the
 * Bot API does not say a user's id by name), so the caller names them instead of trusting them.
 */
export function parseTelegramUserIds(csv: string | undefined): { ids: ReadonlySet<string>; invalid: string[] } {
  const ids = new Set<string>();
  const invalid: string[] = [];
  for (const entry of (csv ?? "").split(",").map((s) => s.trim())) {
    if (entry === "") continue;
    if (isTelegramUserId(entry)) ids.add(entry);
    else invalid.push(entry);
  }
  return { ids, invalid };
}
