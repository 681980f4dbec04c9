// Inline keyboards: the relay's buttons (approvals, /undo's question) under a Telegram message, and
// the short answer to a tap. A button's `callback_data` is the payload WhatsApp's buttons carry.
import { ANSWER_WORDS, parseButtonPayload } from "../../approvals/approvals";
import { parseUndoAnswer } from "../../changes/run-change";
import { parseShipAnswer } from "../../github/ship";
import { utf8Length, type Button, type TapOutcome } from "../channel";

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
 * the phone shows a spinner on the button until Telegram gives up.
 */
export function tapAnswerText(payload: string, outcome: TapOutcome): string {
  if (outcome === "unknown") return "This button is not one of mine.";
  const approval = parseButtonPayload(payload);
  const undo = approval ? null : parseUndoAnswer("", payload);
  if (outcome === "expired") return approval ? "This approval has expired." : "This question has expired.";
  if (approval) return `${ANSWER_WORDS[approval.answer]} ✓`;
  if (undo) return undo === "yes" ? "Undoing ✓" : "Kept ✓";
  const ship = parseShipAnswer("", payload);
  if (ship) return ship === "yes" ? "Shipping ✓" : "Cancelled ✓";
  const plan = PLAN_PAYLOAD.exec(payload)?.[1];
  if (plan) return PLAN_TAPS[plan]!;
  return "✓";
}

/** A plan card's button (`plan:<approval id>:<choice>`, approvals/plan-card.ts) and what its tap's toast says. */
const PLAN_PAYLOAD = /^plan:\d+:(ask|accept|change)$/;
const PLAN_TAPS: Record<string, string> = { ask: "Going ahead, asking before edits ✓", accept: "Going ahead, edits accepted ✓", change: "Send your change ✓" };
