// The answer to a question the relay asked, handed to the capability that asked it: one handler per
// kind of question (questions/questions.ts names them), each given the value its own row gave the
// word or button, and each storing the message once per MessageSid as any message is (a channel's
// retry applies nothing twice). Which question a message answers was decided before, in one place
// (matchQuestion); a handler only acts on it.
import { awayQuestionOf, conflictAnsweredReply, goOnHereReply, keepOnLaptopReply, keptPhoneReply } from "../handoff/handoff";
import { takeConflict } from "../handoff/handoffs";
import { parseApprovalAnswer, parseButtonPayload } from "../approvals/approvals";
import { parsePlanChoice } from "../approvals/plan-card";
import type { AnswerInput } from "../approvals/approvals-unit";
import { outboxKeys } from "../outbox/outbox-keys";
import { answerUndo } from "../changes/change-commands";
import { receiveShipAnswer } from "../github/ship-commands";
import type { ParsedCommand } from "../commands/parsed-command";
import { type InboundMessage, type Stored, typedCommand } from "../messages/inbound-message";
import type { VmAction } from "./vm-action";
import { CHANNELS } from "../channels";
import type { Button, TapOutcome } from "../channels/channel";
import { answerGithubTap } from "../github/github-deliveries";
import { receiveEvent } from "../runs/event-runs";
import { FIX_STARTED_ALREADY } from "../github/github-replies";
import { reviewMessageForAgent, reviewSentLine } from "../protocol/review-comments";
import { closedQuestionOf, leftUnansweredNotice, staleTapReply } from "./stale-tap";
import type { Question, QuestionKind, QuestionMatch } from "../questions/questions";
import type { ReviewQuestion } from "../changes/review-replies";
import { channelOf, storeOnce, type StoreDeps } from "./stored-message";
import type { InboxDeps } from "./inbox-deps";

export type QuestionAnswer = Extract<QuestionMatch, { kind: "answer" }>;

/** What a handler found: the message answered (null: a redelivery), or the question no longer its capability's to answer (the message is read again without it). */
export type AnswerOutcome = { stored: Stored<VmAction> | null } | "not_open";

type Handler = (d: InboxDeps, message: InboundMessage, answer: QuestionAnswer, now: number) => AnswerOutcome;

const done = (stored: Stored<VmAction> | null): AnswerOutcome => ({ stored });

/** Stores an answer the relay itself replies to (it goes to no agent), in the current conversation. */
export function storeAnswer(d: InboxDeps, message: InboundMessage, now: number): boolean {
  if (!storeOnce(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return false;
  d.lifecycle.answeredByRelay(message.messageId, now);
  return true;
}

/** A tap on a closed question's button (or a payload no question holds): answered by the relay, never text for the agent. */
export function receiveStaleTap(d: InboxDeps, message: InboundMessage, kind: QuestionKind | null, now: number): Stored<VmAction> | null {
  return d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const question = closedQuestionOf(kind);
    // Where taps are acknowledged on the button (Telegram) that says it; elsewhere (WhatsApp) a reply names the question.
    if (!CHANNELS[channelOf(message)].limits.acksTaps) d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: staleTapReply(question), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, tap: kind ? "expired" : "unknown" };
  });
}

/**
 * An answer to the agent's approval prompts: never rate-limited; a bare typed answer with several
 * open gets "which one?" with a button each. `asked`: the reply when nothing is to be answered but
 * "which one?" (unplaced-answer.ts), said in place of the answer.
 */
export function answerApproval(d: InboxDeps, message: InboundMessage, input: AnswerInput, now: number, asked: string | null = null): Stored<VmAction> | null {
  return d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const tap = input.via === "button" ? d.approvals.tapOutcome(input.approvalId) : undefined;
    // Read before the answer: it changes nothing then.
    const buttons = d.approvals.choices(input);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: asked ?? d.approvals.answer(input, now), ...(buttons ? { buttons } : {}), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, ...(tap ? { tap } : {}) };
  });
}

const approval: Handler = (d, message, a, now) => {
  const typed = parseApprovalAnswer(a.value);
  if (!typed) return "not_open";
  if (a.via === "button") return done(answerApproval(d, message, { via: "button", answer: typed.answer, approvalId: Number(a.question.ref) }, now));
  // Bare or `all`: read against the prompts of the conversation it is written in (a number names its own).
  return d.approvals.hasPending() ? done(answerApproval(d, message, { via: "text", ...typed, here: d.conversations.currentId() }, now)) : "not_open";
};

/**
 * The plan's answer: go ahead (the VM hears the mode), or "Change it", after which the user's next
 * message goes to the agent planned again. A plan no longer open (its run ended) is a stale tap.
 */
const plan: Handler = (d, message, a, now) => {
  const choice = parsePlanChoice(a.value);
  if (!choice) return "not_open";
  const approvalId = Number(a.question.ref);
  // Typed words of a plan no longer waiting answer nothing here: the message is read again without it.
  if (a.via === "word" && d.approvals.tapOutcome(approvalId) !== "taken") return "not_open";
  return done(d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const answered = d.approvals.answerPlan(approvalId, choice, now);
    if (!answered) {
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: staleTapReply(closedQuestionOf("plan")), to: message.source, now });
      return { route: "approval_answer", command: undefined, after: null, tap: "expired" as const };
    }
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: answered.text, to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, ...(a.via === "button" ? { tap: "taken" as const } : {}) };
  }));
};

/** A yes or no to /undo's question; the VM undoes after the webhook's answer. */
const undo: Handler = (d, message, a, now) => {
  if (!a.open) return done(receiveStaleTap(d, message, "undo", now));
  return done(d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const reply = answerUndo(d, a.value === "yes" ? "yes" : "no", now);
    if (reply.text) d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: reply.text, to: message.source, now });
    return { route: "approval_answer", command: typedCommand(message.body), after: reply.after, ...(message.buttonPayload ? { tap: "taken" as const } : {}) };
  }));
};

/** "Ship" or "Cancel": a yes ships after the webhook's answer. */
const ship: Handler = (d, message, a, now) => {
  if (!a.open) return done(receiveStaleTap(d, message, "ship", now));
  return done(receiveShipAnswer({ ...d, store: (m) => storeOnce(d, message, m, now) }, message, a.value === "yes" ? "yes" : "no", now));
};

/** The file chosen: this message carries the comments to the agent, anchored, as a typed message would (a run starts or the live one takes it). */
const reviewFile: Handler = (d, message, a, now) => {
  const question = d.reviews.of(a.question);
  const choice = question?.choices[Number(a.value)];
  if (!a.open || !question || !choice) return a.via === "button" ? done(receiveStaleTap(d, message, "review_file", now)) : "not_open";
  const conversationId = d.conversations.repo.get(question.conversationId) ? question.conversationId : d.conversations.currentId();
  return done(d.transaction(() => {
    if (!storeOnce(d, message, { body: reviewMessageForAgent(choice.comments), media: [], conversationId, slash: false }, now)) return null;
    d.questions.close("review_file", a.question.ref, now);
    d.lifecycle.received(message.messageId, d.runs.openIn(conversationId)?.id ?? null, now);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: reviewSentLine(choice.comments), to: message.source, now });
    return { route: "agent", command: undefined, after: null, ...(message.buttonPayload ? { tap: "taken" as const } : {}) };
  }));
};

/** "Go on here" or "Keep on laptop": "Go on here" ends the hand-off, and the waiting messages run. */
const handoffAway: Handler = (d, message, a, now) =>
  done(d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const conversation = d.conversations.repo.get(Number(a.question.ref));
    const open = conversation !== null && d.handoffs.awaySince(conversation.id) !== null;
    if (!conversation || !open) return { route: "approval_answer", command: undefined, after: null, tap: "expired" };
    d.questions.close("handoff_away", a.question.ref, now);
    if (a.value === "yes") d.handoffs.markBack(conversation.id, now);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: (a.value === "yes" ? goOnHereReply : keepOnLaptopReply)(conversation.name), now });
    return { route: "approval_answer", command: undefined, after: null, tap: "taken" };
  }));

/** "Keep laptop" or "Keep phone" after a hand-back met a conversation changed here too: answered once. "Keep laptop" has the VM swap sides after the webhook's answer. */
const handoffConflict: Handler = (d, message, a, now) =>
  done(d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const conversation = d.conversations.repo.get(Number(a.question.ref));
    const staged = conversation ? takeConflict(d, conversation.id, now) : null;
    if (!conversation || !staged) {
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: conflictAnsweredReply, to: message.source, now });
      return { route: "approval_answer", command: undefined, after: null, tap: "expired" };
    }
    if (a.value === "laptop") return { route: "approval_answer", command: undefined, after: { kind: "handoff_keep_laptop", conversationId: conversation.id, staged }, tap: "taken" };
    d.handoffs.markBack(conversation.id, now);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: keptPhoneReply(conversation.name, staged), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, tap: "taken" };
  }));

/** "Fix it" or "Later" under a GitHub notice (or "fix it" typed): "Fix it" starts its run, once per notice. */
const githubFix: Handler = (d, message, a, now) => {
  const tap = { answer: a.value === "fix" ? ("fix" as const) : ("later" as const), delivery: a.question.ref };
  const reply = (body: string) => d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body, now });
  const answer = d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const got = answerGithubTap(d, tap);
    if (got.text) reply(got.text);
    // Started once for good: a typed "fix it" then goes to the agent, a tap is told it started.
    if (got.run) d.questions.close("github_fix", tap.delivery, now);
    return got;
  });
  if (!answer) return done(null);
  if (answer.run && receiveEvent(d, { ...answer.run, receivedAt: message.receivedAt, publicOrigin: message.publicOrigin, source: message.source }, now).outcome === "duplicate") reply(FIX_STARTED_ALREADY);
  // "Fix it" is answered once for good, so its buttons may go; "Later" leaves them for a later tap.
  const outcome: TapOutcome | undefined = answer.run ? "taken" : tap.answer === "fix" ? "expired" : undefined;
  return done({ route: "approval_answer", command: typedCommand(message.body), after: null, ...(outcome ? { tap: outcome } : {}) });
};

/** Each kind of question and the capability's handler for its answers: a new question is a row (its capability asks it) and a line here. */
export const QUESTION_HANDLERS: Record<QuestionKind, Handler> = {
  github_fix: githubFix,
  approval,
  plan,
  undo,
  ship,
  review_file: reviewFile,
  handoff_away: handoffAway,
  handoff_conflict: handoffConflict,
};

/**
 * A tap no question holds, by the kind its payload names: an approval's button is still read by the
 * approvals (a prompt of another chat's agent, say, is "not known here"); any other is a closed question.
 */
export function receiveUnheldTap(d: InboxDeps, message: InboundMessage, payload: string, kind: QuestionKind | null, now: number): Stored<VmAction> | null {
  const tapped = kind === "approval" ? parseButtonPayload(payload) : null;
  return tapped ? answerApproval(d, message, { via: "button", ...tapped }, now) : receiveStaleTap(d, message, kind, now);
}

/** Asks the question a message to a conversation on the laptop asks, once per hand-off. */
export function askAway(d: InboxDeps, message: InboundMessage, conversationId: number, text: string, buttons: Button[], now: number): void {
  d.questions.ask(awayQuestionOf(conversationId, now), now);
  d.outboxRepo.add({ dedupeKey: `handoff-ask:${message.messageId}`, body: text, buttons, to: message.source, now });
}

export type ClosingContext = {
  /** The command the closing message is, if it is one. */
  command: ParsedCommand["type"] | null;
  /** Whether the question still took answers (questions.ts isOpen): false once a run voided it. */
  stillOpen: (q: Question) => boolean;
  /** Queues an unanswered "which file?" comment as the message it would have been. */
  queueAsWritten: (q: ReviewQuestion) => void;
};

/**
 * The questions a stored message closes by not answering them, each told to its capability: /undo's
 * and /ship's are dropped, the user told so (leftUnansweredNotice), and a "which file?" comment
 * goes to the agent as it was written, before this message. Inside the message's transaction,
 * before it is stored.
 */
export function closeUnanswered(d: InboxDeps & StoreDeps, message: InboundMessage, closing: readonly Question[], now: number, context: ClosingContext): void {
  if (closing.length === 0) return;
  d.questions.closeIds(closing.map((q) => q.id), now);
  for (const q of closing) {
    const notice = leftUnansweredNotice(q.kind, context.command, !context.stillOpen(q));
    if (notice) d.outboxRepo.add({ dedupeKey: outboxKeys.questionLeft(q), body: notice, to: message.source, now });
    const unanswered = q.kind === "review_file" ? d.reviews.of(q) : null;
    if (unanswered) context.queueAsWritten(unanswered);
  }
}
