// What one message the relay sent is, read from its text: the offline model's reply (and which
// soak messages it quotes), the acknowledgement, a notice that something failed or was dropped
// (and the messages it quotes), a long run's progress update, or other. Notices are recognised by calling src/messages/notices.ts
// itself, so a rewording there cannot silently turn them into "other"; a new give-up reason fails
// the typecheck here until listed. Which messages a notice is about is read from its “…” quotes
// alone, whatever its wording: a notice that quotes nothing is about no message.
import { CHANNELS } from "../../src/channels";
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, nameMessages, SESSION_LOST, stopReply, type NamedMessage } from "../../src/messages/notices";
import type { GiveUpReason } from "../../src/messages/run-failure";
import { progressUpdateText } from "../../src/runs/progress-update";

/** `stopped`: /stop's answer naming what it dropped; `unlisted`: another text that quotes messages. */
export type NoticeReason = GiveUpReason | "delivery_failed" | "agent_error" | "stopped" | "unlisted";

export type OutboundKind =
  /** The offline model's answer; `tokens` are the soak messages of the turn it answers. */
  | { kind: "reply"; tokens: string[] }
  | { kind: "ack" }
  /** The relay telling the user something failed; `quotes` are the texts it puts in “…”. */
  | { kind: "notice"; reason: NoticeReason; quotes: string[] }
  | { kind: "session_lost" }
  /** "Still working (20 s)." during a long run: about no message, answers none. */
  | { kind: "progress" }
  | { kind: "other" };

/** A soak message's token, `#<sender>-<n>`; a token cut by a clip ends in "…" and does not count. */
const TOKEN = /#\d+-\d+(?=\s|$)/g;
/**
 * The offline model quotes the turn's text (a batch's texts joined), whitespace collapsed, clipped
 * to 200 characters; the relay's own notes (a carried turn's "[relay] You already had …") it says
 * apart, after the user's words: their tokens are not the turn's.
 */
const REPLY = /^\[offline model\] You said: «(.*?)»\. (?:The relay told me: .*?\. )?This conversation has \d+ user messages?/s;
/** How the relay names a user's message in its own texts. */
const QUOTE = /“([^”]*)”/g;
const ELLIPSIS = "…";

const GIVE_UP_REASONS = {
  failed_after_retries: true,
  interrupted: true,
  auth_failed: true,
  misconfigured: true,
  vm_unfit: true,
  time_limit: true,
  cancelled: true,
} satisfies Record<GiveUpReason, true>;

/** The acknowledgement names how many messages wait; more than this never wait in a soak. */
const MAX_WAITING = 50;

/** Stands for a message's text while a notice is built, so its fixed words can be told from the names. */
const MARK = "\u0001";
const marked = (n: number): NamedMessage[] => Array.from({ length: n }, () => ({ body: MARK, scheduleId: null }));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Stands for the agent's own error text in agentErrorReply's pattern. */
const DETAIL = "\u0002";
const withDetail = (re: RegExp | null) => re && new RegExp(re.source.replace(DETAIL, ".+"), "s");

/**
 * A notice's wording as a pattern: its fixed text around the list of names (which may run to
 * “a”, “b” and 3 more). Built with one name and with two, since the words around agree in number.
 */
function pattern(build: (messages: NamedMessage[]) => string | null, n: number): RegExp | null {
  const text = build(marked(n));
  if (text === null) return null;
  const names = nameMessages(marked(n));
  const at = text.indexOf(names);
  if (at < 0) return new RegExp(`^${escape(text)}$`, "s");
  return new RegExp(`^${escape(text.slice(0, at))}.+${escape(text.slice(at + names.length))}$`, "s");
}

type Matcher = { reason: NoticeReason; pattern: RegExp };

const MATCHERS: Matcher[] = [
  ...(Object.keys(GIVE_UP_REASONS) as GiveUpReason[]).flatMap((reason) => [1, 2].map((n) => ({ reason, pattern: pattern((m) => giveUpNotice(reason, m), n) }))),
  ...[true, false].flatMap((stoppedRun) => [1, 2].map((n) => ({ reason: "stopped" as const, pattern: pattern((dropped) => stopReply({ stoppedRun, dropped, deniedApprovals: 0 }), n) }))),
  { reason: "delivery_failed" as const, pattern: new RegExp(`^${escape(deliveryFailedNotice(MARK, CHANNELS.whatsapp.serviceName)).replace(MARK, ".+")}$`, "s") },
  // The agent's own error text stands where DETAIL is: any text.
  { reason: "agent_error" as const, pattern: new RegExp(`^${escape(agentErrorReply(DETAIL, [])).replace(DETAIL, ".+")}$`, "s") },
  ...[1, 2].map((n) => ({ reason: "agent_error" as const, pattern: withDetail(pattern((m) => agentErrorReply(DETAIL, m), n)) })),
].flatMap((m) => (m.pattern ? [{ reason: m.reason, pattern: m.pattern }] : []));

/**
 * A progress update as src/runs/progress-update.ts words it, built by it (so a rewording there is
 * followed here): its time in seconds or minutes, then a full stop or the steps seen.
 */
const PROGRESS = (() => {
  const bare = progressUpdateText([], 0, 1_000);
  const at = bare.indexOf("1 s");
  return new RegExp(`^${escape(bare.slice(0, at))}\\d+ (?:s|min)${escape(bare.slice(at + 3, -1))}(?:\\.|: .+)$`, "s");
})();

const ACKS = new Set(Array.from({ length: MAX_WAITING }, (_, i) => ackQueued(i + 1)));

export function tokensIn(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** The texts a message of the relay puts in “…”, in order. */
export function quotesIn(body: string): string[] {
  return [...body.matchAll(QUOTE)].map((m) => m[1] ?? "");
}

function matchNotice(body: string): NoticeReason | null {
  return MATCHERS.find((m) => m.pattern.test(body))?.reason ?? null;
}

export function classifyOutbound(body: string): OutboundKind {
  const reply = REPLY.exec(body);
  if (reply) return { kind: "reply", tokens: tokensIn(reply[1] ?? "") };
  if (ACKS.has(body)) return { kind: "ack" };
  if (body === SESSION_LOST) return { kind: "session_lost" };
  if (PROGRESS.test(body)) return { kind: "progress" };
  const quotes = quotesIn(body);
  const reason = matchNotice(body) ?? (quotes.length > 0 ? "unlisted" : null);
  return reason ? { kind: "notice", reason, quotes } : { kind: "other" };
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * Whether a quote names this soak message: it holds the message's token whole, or it is the
 * message's first words (all of its text, or a start clipped with "…" that does not end inside
 * the token, since "#1-1…" may be "#1-10"). A quote of another message never names it.
 */
export function quoteNames(quote: string, message: { token: string; text: string }): boolean {
  if (tokensIn(quote).includes(message.token)) return true;
  const q = oneLine(quote);
  const text = oneLine(message.text);
  if (q === text) return true;
  if (!q.endsWith(ELLIPSIS)) return false;
  const start = q.slice(0, -ELLIPSIS.length).trimEnd();
  if (start.length === 0 || !text.startsWith(start)) return false;
  // Clipped past the token, or right after a whole word of it.
  return start.length > message.token.length || /\s/.test(text[start.length] ?? " ");
}
