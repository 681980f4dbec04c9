// Inline keyboards: the relay's buttons (approvals, /undo's question) under a Telegram message, and
// the short answer to a tap. A button's `callback_data` is the payload WhatsApp's buttons carry.
// The buttons and their toasts are the capabilities' own: handed in, never named here.
import { utf8Length, type Button, type TapOutcome, type TapToast, type TapToastOf } from "../channel";

/** InlineKeyboardButton.callback_data: "1-64 bytes". */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Three to a row: Yes / No / Always fit one row on a phone. */
const PER_ROW = 3;

export type InlineKeyboardMarkup = { inline_keyboard: { text: string; callback_data: string }[][] };

/**
 * The `reply_markup` for `buttons`. Payloads are the relay's own (`approval:12:yes`), so one past
 * Telegram's 64 bytes is a programmer's error and throws rather than sending a button that fails.
 */
export function inlineKeyboard(buttons: readonly Button[]): InlineKeyboardMarkup {
  const rows: InlineKeyboardMarkup["inline_keyboard"] = [];
  for (const [i, button] of buttons.entries()) {
    const bytes = utf8Length(button.id);
    if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES) throw new RangeError(`callback_data must be 1-${CALLBACK_DATA_MAX_BYTES} bytes, "${button.id}" is ${bytes}`);
    if (button.title.trim() === "") throw new RangeError("a button needs a title");
    if (i % PER_ROW === 0) rows.push([]);
    rows[rows.length - 1]!.push({ text: button.title, callback_data: button.id });
  }
  return { inline_keyboard: rows };
}

/**
 * The text of `answerCallbackQuery` (a toast, at most 200 characters): every tap is answered, or
 * the phone shows a spinner on the button until Telegram gives up. `toasts`: each capability's
 * words for its own buttons (agent/tap-toasts.ts joins them); a button none claims gets "✓".
 */
export function tapAnswerText(payload: string, outcome: TapOutcome, toasts: readonly TapToastOf[]): string {
  if (outcome === "unknown") return "This button is not one of mine.";
  const toast = toasts.reduce<TapToast | null>((found, toastOf) => found ?? toastOf(payload), null);
  if (outcome === "expired") return toast?.expired ?? "This question has expired.";
  return toast?.taken ?? "✓";
}
