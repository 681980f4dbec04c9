// What one message the relay sent is, read from its text: the offline model's reply (and which
// soak messages it quotes), the acknowledgement, a notice that something failed (and the messages
// it quotes), or other. Notices are recognised by calling src/core/notices.ts itself, so a
// rewording there cannot silently turn them into "other"; a new give-up reason fails the
// typecheck here until listed. Which messages a notice is about is read from its “…” quotes
// alone, whatever its wording: a notice that quotes nothing is about no message.
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, SESSION_LOST } from "../../src/core/notices";
import type { GiveUpReason } from "../../src/core/run-policy";

/** `unlisted`: a text notices.ts does not build (a command's answer, say /stop's) that quotes messages. */
export type NoticeReason = GiveUpReason | "delivery_failed" | "agent_error" | "unlisted";

export type OutboundKind =
  /** The offline model's answer; `tokens` are the soak messages of the turn it answers. */
  | { kind: "reply"; tokens: string[] }
  | { kind: "ack" }
  /** The relay telling the user something failed; `quotes` are the texts it puts in “…”. */
  | { kind: "notice"; reason: NoticeReason; quotes: string[] }
  | { kind: "session_lost" }
  | { kind: "other" };

/** A soak message's token, `#<sender>-<n>`; a token cut by a clip ends in "…" and does not count. */
const TOKEN = /#\d+-\d+(?=\s|$)/g;
/** The offline model quotes the turn's text (a batch's texts joined), whitespace collapsed, clipped to 200 characters. */
const REPLY = /^\[offline model\] You said: «(.*?)»\. This conversation has \d+ user messages?/s;
/** How the relay names a user's message in its own texts. */
const QUOTE = /“([^”]*)”/g;
const ELLIPSIS = "…";

const GIVE_UP_REASONS = {
  failed_after_retries: true,
  interrupted: true,
  auth_failed: true,
  misconfigured: true,
  time_limit: true,
  cancelled: true,
} satisfies Record<GiveUpReason, true>;

/** Where a notice's variable part goes: split its text around this. */
const MARK = "\u0001";
/** The acknowledgement names how many messages wait; more than this never wait in a soak. */
const MAX_WAITING = 50;

/** A notice's fixed text around its variable part (`exact`: it has none). */
type Matcher = { reason: NoticeReason; head: string; tail: string; exact: boolean };

function matcher(reason: NoticeReason, template: string): Matcher {
  const at = template.indexOf(MARK);
  if (at < 0) return { reason, head: template, tail: "", exact: true };
  return { reason, head: template.slice(0, at), tail: template.slice(at + MARK.length), exact: false };
}

const MATCHERS: Matcher[] = [
  ...(Object.keys(GIVE_UP_REASONS) as GiveUpReason[]).flatMap((reason) => {
    const named = giveUpNotice(reason, MARK);
    const unnamed = matcher(reason, giveUpNotice(reason, null));
    return named.includes(MARK) ? [matcher(reason, named), unnamed] : [unnamed];
  }),
  matcher("delivery_failed", deliveryFailedNotice(MARK)),
  matcher("agent_error", agentErrorReply(MARK)),
];

const ACKS = new Set(Array.from({ length: MAX_WAITING }, (_, i) => ackQueued(i + 1)));

export function tokensIn(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** The texts a message of the relay puts in “…”, in order. */
export function quotesIn(body: string): string[] {
  return [...body.matchAll(QUOTE)].map((m) => m[1] ?? "");
}

function matchNotice(body: string): NoticeReason | null {
  for (const m of MATCHERS) {
    const fits = m.exact ? body === m.head : body.length > m.head.length + m.tail.length && body.startsWith(m.head) && body.endsWith(m.tail);
    if (fits) return m.reason;
  }
  return null;
}

export function classifyOutbound(body: string): OutboundKind {
  const reply = REPLY.exec(body);
  if (reply) return { kind: "reply", tokens: tokensIn(reply[1] ?? "") };
  if (ACKS.has(body)) return { kind: "ack" };
  if (body === SESSION_LOST) return { kind: "session_lost" };
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
