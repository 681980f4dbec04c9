// Checks what the relay sent against what each phone said: every message answered exactly once,
// each phone's answers in order. Pure: the caller fetches the emulator's outbound messages.
import { ackQueued } from "../../src/messages/notices";

/** The relay's own acknowledgement for one message that arrives while a run is active. */
export const ACK_TEXT = ackQueued(1);

/**
 * Whether a body is the relay's acknowledgement, which says how many messages wait ("Got it: 3
 * messages are waiting…" once more than one does): the relay's own wording, for any count.
 */
export function isAck(body: string | null): boolean {
  if (body === null) return false;
  const waiting = Number(/\d+/.exec(body)?.[0] ?? 1);
  return body === ackQueued(waiting);
}
/** The VM stand-in answers a turn with "echo: " and the turn's texts joined by " | ". */
const ECHO_PREFIX = "echo: ";
const TURN_SEPARATOR = " | ";

export type Outbound = { to: string; body: string | null };

export type ReplyCheck = {
  messages: number;
  /** Messages whose text came back in exactly one reply. */
  answeredOnce: number;
  lost: number;
  duplicated: number;
  /** Phones whose answers came back in another order than expected. */
  reorderedPhones: number;
  /** Echoed texts nobody sent, and bodies that are neither an echo nor the acknowledgement. */
  unexpected: number;
  acks: number;
  /** Replies that answered more than one message (one turn holding several). */
  batchedReplies: number;
  replies: number;
  /** Messages whose webhook was not answered 200 and that got no reply: Twilio would retry them. */
  refusedUnanswered: number;
  /** The first few lost and duplicated texts, to find them in the logs. */
  lostTexts: string[];
  duplicatedTexts: string[];
};

const SHOWN = 20;

/**
 * `expected` maps each phone (E.164) to its texts in the order they must be answered. `refused`
 * are texts whose webhook was not answered 200: the relay owes them nothing, so no reply for one
 * is not a loss (a reply is fine: it may have been stored before the failure).
 */
export function checkReplies(expected: ReadonlyMap<string, readonly string[]>, sent: readonly Outbound[], refused: ReadonlySet<string> = new Set()): ReplyCheck {
  const result: ReplyCheck = {
    messages: 0, answeredOnce: 0, lost: 0, duplicated: 0, reorderedPhones: 0, unexpected: 0, acks: 0, batchedReplies: 0, replies: 0,
    refusedUnanswered: 0, lostTexts: [], duplicatedTexts: [],
  };
  const byPhone = new Map<string, Outbound[]>();
  for (const message of sent) {
    const phone = message.to.replace(/^whatsapp:/, "");
    if (!expected.has(phone)) continue;
    const list = byPhone.get(phone) ?? [];
    list.push(message);
    byPhone.set(phone, list);
  }
  for (const [phone, texts] of expected) {
    const echoed: string[] = [];
    for (const { body } of byPhone.get(phone) ?? []) {
      if (isAck(body)) result.acks += 1;
      else if (body?.startsWith(ECHO_PREFIX)) {
        const turn = body.slice(ECHO_PREFIX.length).split(TURN_SEPARATOR);
        result.replies += 1;
        if (turn.length > 1) result.batchedReplies += 1;
        echoed.push(...turn);
      } else result.unexpected += 1;
    }
    const counts = new Map<string, number>();
    for (const text of echoed) counts.set(text, (counts.get(text) ?? 0) + 1);
    const wanted = new Set(texts);
    result.messages += texts.length;
    for (const text of texts) {
      const n = counts.get(text) ?? 0;
      if (n === 0 && refused.has(text)) result.refusedUnanswered += 1;
      else if (n === 0) {
        result.lost += 1;
        if (result.lostTexts.length < SHOWN) result.lostTexts.push(text);
      } else if (n === 1) result.answeredOnce += 1;
      else {
        result.duplicated += 1;
        if (result.duplicatedTexts.length < SHOWN) result.duplicatedTexts.push(text);
      }
    }
    result.unexpected += echoed.filter((text) => !wanted.has(text)).length;
    const firstSeen = [...new Set(echoed.filter((text) => wanted.has(text)))];
    const inOrder = texts.filter((text) => counts.has(text));
    if (firstSeen.some((text, i) => text !== inOrder[i])) result.reorderedPhones += 1;
  }
  return result;
}

export function isClean(check: ReplyCheck): boolean {
  return check.lost === 0 && check.duplicated === 0 && check.reorderedPhones === 0 && check.unexpected === 0;
}
