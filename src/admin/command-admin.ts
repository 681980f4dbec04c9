// The admin commands' arguments (/users, /allow, /deny, /budget): numbers (or a channel's user ids,
// as the channel layer reads them) and amounts are checked here, so bad input gets a one-line answer and changes nothing. Who may run them is the
// object's check (ADMIN_SENDERS), made before any of this is acted on or even answered.
import { firstWord } from "../shared/command-words";
import { isE164 } from "../shared/phone";
import { quoteInput } from "../shared/quote-input";
import { TYPED_USER_IDS, typedUserName } from "../channels/admin-names";

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

/** An admin's /users, /allow, /deny, /budget (and /vm with machines) after the command's transaction (joined in agent/vm-action.ts): the directory and other users' objects, then the reply. */
export type AdminAction = { kind: "admin"; request: AdminRequest };

/** What an admin word parsed to; an invalid one is answered only to an admin. */
export type AdminCommand = { type: "admin"; word: AdminWord; request: AdminRequest | { kind: "invalid"; reason: string } };

/** A daily cap above this is a typo, not a budget. */
const MAX_DAILY_BUDGET_USD = 10_000;
/** Arguments longer than this are not read at all (a number and an amount fit in 40). */
const MAX_ARGS_CHARS = 100;
/** Dollars with at most four decimals, an optional leading $: "25", "7.5", "$0.25". */
const AMOUNT = /^\$?(\d{1,9})(\.\d{1,4})?$/;
const EXAMPLE = "+15551234567";

/** `/allow` or `/deny` with a number, or with each other kind of id a channel's users have. */
function userUsage(word: "allow" | "deny"): string {
  const forms = [`/${word} ${EXAMPLE} (the number in E.164: + then country code and number)`, ...TYPED_USER_IDS.map((id) => `/${word} ${id.example} (${id.what})`)];
  return `Usage: ${forms.join(", or ")}.`;
}

const usageOf: Record<AdminWord, string> = {
  users: "/users takes no arguments.",
  allow: userUsage("allow"),
  deny: userUsage("deny"),
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
  const phone = typedUserName(word1);
  if (phone === null) return invalid(notE164(word1));
  if (word !== "budget") return rest === "" ? { kind: word, phone } : invalid(usageOf[word]);
  const [amount, extra] = firstWord(rest);
  if (amount === "" || extra !== "") return invalid(usageOf.budget);
  if (amount.toLowerCase() === "default") return { kind: "budget", phone, usd: null };
  const usd = parseAmount(amount);
  if (typeof usd === "string") return invalid(usd);
  return { kind: "budget", phone, usd };
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
