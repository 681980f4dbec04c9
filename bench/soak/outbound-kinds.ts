// What one message the relay sent is, read from its text: the offline model's reply (and which
// soak messages it quotes), the acknowledgement, a notice that something failed, or other.
// Notices are recognised by calling src/core/notices.ts itself, so a rewording there cannot
// silently turn them into "other"; a new give-up reason fails the typecheck here until listed.
import { ackQueued, agentErrorReply, deliveryFailedNotice, giveUpNotice, SESSION_LOST } from "../../src/core/notices";
import type { GiveUpReason } from "../../src/core/run-policy";

export type NoticeReason = GiveUpReason | "delivery_failed" | "agent_error";

export type OutboundKind =
  /** The offline model's answer; `tokens` are the soak messages of the turn it answers. */
  | { kind: "reply"; tokens: string[] }
  | { kind: "ack" }
  /** The relay telling the user something failed; `names` is the message text it quotes, if any. */
  | { kind: "notice"; reason: NoticeReason; names: string | null }
  | { kind: "session_lost" }
  | { kind: "other" };

/** A soak message's token, `#<sender>-<n>`; a token cut by the quote's 200-character clip ends in "…" and does not count. */
const TOKEN = /#\d+-\d+(?=\s|$)/g;
/** The offline model quotes the turn's text (a batch's texts joined), whitespace collapsed, clipped to 200 characters. */
const REPLY = /^\[offline model\] You said: «(.*?)»\. This conversation has \d+ user messages?/s;

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

/**
 * A notice's fixed text around its variable part (`exact`: it has none). `quotes`: the variable
 * part is the message it names (the template puts the mark inside its “…”, so the name excludes them).
 */
type Matcher = { reason: NoticeReason; head: string; tail: string; exact: boolean; quotes: boolean };

function matcher(reason: NoticeReason, template: string, quotes = false): Matcher {
  const at = template.indexOf(MARK);
  if (at < 0) return { reason, head: template, tail: "", exact: true, quotes: false };
  return { reason, head: template.slice(0, at), tail: template.slice(at + MARK.length), exact: false, quotes };
}

const MATCHERS: Matcher[] = [
  ...(Object.keys(GIVE_UP_REASONS) as GiveUpReason[]).flatMap((reason) => {
    const named = giveUpNotice(reason, MARK);
    const unnamed = matcher(reason, giveUpNotice(reason, null));
    return named.includes(MARK) ? [matcher(reason, named, true), unnamed] : [unnamed];
  }),
  matcher("delivery_failed", deliveryFailedNotice(MARK)),
  matcher("agent_error", agentErrorReply(MARK)),
];

const ACKS = new Set(Array.from({ length: MAX_WAITING }, (_, i) => ackQueued(i + 1)));

export function tokensIn(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function matchNotice(body: string): OutboundKind | null {
  for (const m of MATCHERS) {
    const fits = m.exact ? body === m.head : body.length > m.head.length + m.tail.length && body.startsWith(m.head) && body.endsWith(m.tail);
    if (fits) return { kind: "notice", reason: m.reason, names: m.quotes ? body.slice(m.head.length, body.length - m.tail.length) : null };
  }
  return null;
}

export function classifyOutbound(body: string): OutboundKind {
  const reply = REPLY.exec(body);
  if (reply) return { kind: "reply", tokens: tokensIn(reply[1] ?? "") };
  if (ACKS.has(body)) return { kind: "ack" };
  if (body === SESSION_LOST) return { kind: "session_lost" };
  return matchNotice(body) ?? { kind: "other" };
}

/** Whether a notice quoting `names` names this message: the relay quotes an excerpt of the batch's first text. */
export function noticeNames(names: string, text: string): boolean {
  const quoting = MATCHERS.find((m) => m.quotes);
  if (!quoting) return false;
  const notice = giveUpNotice(quoting.reason as GiveUpReason, text);
  return notice.slice(quoting.head.length, notice.length - quoting.tail.length) === names;
}
