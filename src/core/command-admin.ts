// The admin commands' arguments (/users, /allow, /deny, /budget): numbers (or Telegram user ids,
// as `tg-<id>`) and amounts are checked here, so bad input gets a one-line answer and changes nothing. Who may run them is the
// object's check (ADMIN_SENDERS), made before any of this is acted on or even answered.
import { firstWord } from "./command-words";
import { isE164 } from "./phone";
import { quoteInput } from "./quote-input";
import { telegramUserName } from "../channels/user-names";

const ADMIN_WORDS = ["users", "allow", "deny", "budget"] as const;
type AdminWord = (typeof ADMIN_WORDS)[number];

export type AdminRequest =
  | { kind: "users" }
  | { kind: "allow"; phone: string }
  | { kind: "deny"; phone: string }
  /** `usd` null: back to the configured DAILY_BUDGET_USD. */
  | { kind: "budget"; phone: string; usd: number | null }
  /** /vm with VM_MODE=machines: each user's Machine, and the app's Machines and volumes no user owns. */
  | { kind: "machines" }
  /** /vm sweep: destroys the Machines and volumes no user owns. */
  | { kind: "sweep" };

/** What an admin word parsed to; an invalid one is answered only to an admin. */
export type AdminCommand = { type: "admin"; word: AdminWord; request: AdminRequest | { kind: "invalid"; reason: string } };

/** A daily cap above this is a typo, not a budget. */
const MAX_DAILY_BUDGET_USD = 10_000;
/** Arguments longer than this are not read at all (a number and an amount fit in 40). */
const MAX_ARGS_CHARS = 100;
/** Dollars with at most four decimals, an optional leading $: "25", "7.5", "$0.25". */
const AMOUNT = /^\$?(\d{1,9})(\.\d{1,4})?$/;
const EXAMPLE = "+15551234567";
const TELEGRAM_EXAMPLE = "123456789";
/** A Telegram user id as an admin types it (digits, no +), or the `tg-<id>` that /users shows. */
const TELEGRAM_ID = /^(?:tg-)?([1-9]\d{0,15})$/;

const usageOf: Record<AdminWord, string> = {
  users: "/users takes no arguments.",
  allow: `Usage: /allow ${EXAMPLE} (the number in E.164: + then country code and number), or /allow ${TELEGRAM_EXAMPLE} (a Telegram user id).`,
  deny: `Usage: /deny ${EXAMPLE} (the number in E.164: + then country code and number), or /deny ${TELEGRAM_EXAMPLE} (a Telegram user id).`,
  budget: `Usage: /budget ${EXAMPLE} <dollars a day>, e.g. /budget ${EXAMPLE} 25, or /budget ${EXAMPLE} default.`,
};

export function parseAdminArgs(word: AdminWord, args: string): AdminCommand {
  return { type: "admin", word, request: parseRequest(word, args) };
}

function parseRequest(word: AdminWord, args: string): AdminCommand["request"] {
  const invalid = (reason: string) => ({ kind: "invalid" as const, reason });
  if (word === "users") return args === "" ? { kind: "users" } : invalid(usageOf.users);
  if (args === "" || [...args].length > MAX_ARGS_CHARS) return invalid(usageOf[word]);
  const [word1, rest] = firstWord(args);
  const phone = userNameOf(word1);
  if (phone === null) return invalid(notE164(word1));
  if (word !== "budget") return rest === "" ? { kind: word, phone } : invalid(usageOf[word]);
  const [amount, extra] = firstWord(rest);
  if (amount === "" || extra !== "") return invalid(usageOf.budget);
  if (amount.toLowerCase() === "default") return { kind: "budget", phone, usd: null };
  const usd = parseAmount(amount);
  if (typeof usd === "string") return invalid(usd);
  return { kind: "budget", phone, usd };
}

/** A user as admins name them: an E.164 number, or a Telegram user id (digits without +) as `tg-<id>`. */
function userNameOf(text: string): string | null {
  if (isE164(text)) return text;
  const telegram = TELEGRAM_ID.exec(text)?.[1];
  return telegram !== undefined && Number.isSafeInteger(Number(telegram)) ? telegramUserName(telegram) : null;
}

/** Why `text` is not a number; invisible characters (direction marks from a contact card) are named, not shown. */
function notE164(text: string): string {
  const visible = text.replace(/\p{Cf}/gu, "");
  if (visible !== text && isE164(visible)) return `“${visible}” has invisible characters in it (pasted from a contact?): type it as + and digits.`;
  return `“${quoteInput(visible, 30)}” is not a phone number in E.164 (+ then 8-15 digits, e.g. ${EXAMPLE}).`;
}

/** Dollars, or why not: negative, not a number, or absurd. */
function parseAmount(text: string): number | string {
  if (/^[-−–]/.test(text)) return "A budget can't be negative; 0 stops all new runs.";
  const match = AMOUNT.exec(text);
  if (!match) return `“${quoteInput(text, 30)}” is not an amount in dollars, e.g. 25 or 7.50.`;
  const usd = Number(`${match[1]}${match[2] ?? ""}`);
  if (usd > MAX_DAILY_BUDGET_USD) return `$${quoteInput(text.replace(/^\$/, ""), 16)} a day is over the $${MAX_DAILY_BUDGET_USD.toLocaleString("en-US")} I accept: is it a typo? Nothing changed.`;
  return usd;
}
