// The soak's verdict on every message it sent, from what the relay sent back (the emulator's
// record of outbound messages). Pure. For each accepted message (its webhook got a 200):
//   answered  exactly one reply of the offline model quotes it;
//   doubled   two or more replies quote it;
//   told      no reply quotes it, but after it was first posted its phone received a notice of
//             the relay (a failure, or a command's answer that drops it) that quotes it: its
//             soak token, or its first words as the relay quotes them, in “…”. A notice that
//             quotes no message, or quotes other messages, tells nothing about this one: the
//             user cannot know which of their messages it means;
//   lost      none of these.
import { classifyOutbound, quoteNames, type NoticeReason } from "./outbound-kinds";

export type SentMessage = {
  /** `#<sender>-<n>`, unique in a soak, and the start of `text`. */
  token: string;
  phone: string;
  text: string;
  firstPostAt: number;
  /** When its webhook first got a 200; null if it never did (refused). */
  acceptedAt: number | null;
};

/** One message the relay sent, as the emulator recorded it. */
export type Outbound = { to: string; body: string; createdAt: number };

export type Outcome = "answered" | "doubled" | "told" | "lost";

export type Verdict = {
  token: string;
  phone: string;
  outcome: Outcome;
  replies: number;
  acceptedAt: number;
  /** First reply's creation minus acceptance; null without a reply. */
  latencyMs: number | null;
  toldBy: NoticeReason | null;
  /** Lost only: notices its phone got after it was posted that quote none of its words (the user was told something, not which). */
  unnamedIn: NoticeReason[];
};

export type Ledger = {
  accepted: number;
  /** Sent, but no attempt of its webhook got a 200. */
  refused: number;
  answered: number;
  doubled: number;
  told: number;
  lost: number;
  /** Of answered and doubled messages, to their first reply. */
  latenciesMs: number[];
  verdicts: Verdict[];
  /** `unlistedNotices`: notices not built by notices.ts that quote messages (counted in `notices` too). */
  outbound: { replies: number; acks: number; notices: number; unlistedNotices: number; sessionLost: number; progress: number; other: number };
  /** Bodies the ledger could not place (first few). */
  otherBodies: string[];
  /** Tokens quoted by a reply that match no accepted message of that phone (a refused one, or another phone's). */
  strayTokens: string[];
};

const bare = (address: string) => address.replace(/^whatsapp:/, "");

type Notice = { at: number; reason: NoticeReason; quotes: string[] };

export function checkLedger(messages: readonly SentMessage[], outbound: readonly Outbound[]): Ledger {
  const byToken = new Map(messages.map((m) => [m.token, m]));
  const replyTimes = new Map<string, number[]>();
  const notices = new Map<string, Notice[]>();
  const counts = { replies: 0, acks: 0, notices: 0, unlistedNotices: 0, sessionLost: 0, progress: 0, other: 0 };
  const otherBodies: string[] = [];
  const strayTokens: string[] = [];

  for (const sent of [...outbound].sort((a, b) => a.createdAt - b.createdAt)) {
    const phone = bare(sent.to);
    const kind = classifyOutbound(sent.body);
    if (kind.kind === "reply") {
      counts.replies++;
      for (const token of kind.tokens) {
        const message = byToken.get(token);
        if (!message || message.phone !== phone || message.acceptedAt === null) strayTokens.push(token);
        if (message && message.phone === phone) replyTimes.set(token, [...(replyTimes.get(token) ?? []), sent.createdAt]);
      }
    } else if (kind.kind === "notice") {
      counts.notices++;
      if (kind.reason === "unlisted") counts.unlistedNotices++;
      notices.set(phone, [...(notices.get(phone) ?? []), { at: sent.createdAt, reason: kind.reason, quotes: kind.quotes }]);
    } else if (kind.kind === "ack") counts.acks++;
    else if (kind.kind === "session_lost") counts.sessionLost++;
    else if (kind.kind === "progress") counts.progress++;
    else {
      counts.other++;
      if (otherBodies.length < 10) otherBodies.push(sent.body);
    }
  }

  /** The first notice after it was posted that quotes it, if any. */
  const toldBy = (m: SentMessage): Notice | undefined =>
    (notices.get(m.phone) ?? []).find((n) => n.at >= m.firstPostAt && n.quotes.some((quote) => quoteNames(quote, m)));

  const verdicts: Verdict[] = messages.flatMap((m) => {
    if (m.acceptedAt === null) return [];
    const replies = replyTimes.get(m.token) ?? [];
    const notice = replies.length === 0 ? toldBy(m) : undefined;
    const outcome: Outcome = replies.length === 1 ? "answered" : replies.length > 1 ? "doubled" : notice ? "told" : "lost";
    return [
      {
        token: m.token,
        phone: m.phone,
        outcome,
        replies: replies.length,
        acceptedAt: m.acceptedAt,
        latencyMs: replies.length > 0 ? Math.max(0, replies[0]! - m.acceptedAt) : null,
        toldBy: notice?.reason ?? null,
        unnamedIn: outcome === "lost" ? (notices.get(m.phone) ?? []).filter((n) => n.at >= m.firstPostAt).map((n) => n.reason) : [],
      },
    ];
  });
  const count = (outcome: Outcome) => verdicts.filter((v) => v.outcome === outcome).length;
  return {
    accepted: verdicts.length,
    refused: messages.length - verdicts.length,
    answered: count("answered"),
    doubled: count("doubled"),
    told: count("told"),
    lost: count("lost"),
    latenciesMs: verdicts.flatMap((v) => (v.latencyMs === null ? [] : [v.latencyMs])),
    verdicts,
    outbound: counts,
    otherBodies,
    strayTokens: [...new Set(strayTokens)],
  };
}

/** Every accepted message is answered or told (nothing is still pending or lost). */
export function isSettled(ledger: Ledger): boolean {
  return ledger.lost === 0;
}
