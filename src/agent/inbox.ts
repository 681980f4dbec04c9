// A message arriving on a channel: stored once per its channel's id, routed (a relay command is answered
// at once; text for the agent is queued for its conversation), all in one transaction. What
// the VM must do as a result is returned, for after the webhook has its answer.
import { awayButtons, awayClock, awayQuestion, conflictAnsweredReply, goOnHereReply, keepOnLaptopReply, keptPhoneReply, parseAwayAnswer, parseConflictAnswer } from "../handoff/handoff";
import { takeConflict } from "../handoff/handoffs";
import { formatDateTimeInZone } from "../schedules/schedule-format";
import { timeZoneOf } from "../schedules/schedules-unit";
import { parseApprovalAnswer, parseButtonPayload } from "../approvals/approvals";
import type { AnswerInput } from "../approvals/approvals-unit";
import { routeInbound, typedCommand, type InboundRoute } from "../messages/inbound-route";
import { rateLimitedNotice } from "../messages/notices";
import { decideRate, RATE_WINDOW_MS } from "../shared/rate-limit";
import { outboxKeys } from "../outbox/outbox-keys";
import { NO_CURRENT_CONVERSATION, noSuchConversation, stillCloning } from "../conversations/conversations-replies";
import { answerCommand, type CommandDeps } from "./command-handler";
import { answerUndo } from "../changes/change-commands";
import type { UndoReplyWord } from "../changes/run-change";
import { receiveShipAnswer, shipAnswerOf } from "../github/ship-commands";
import type { InboundMessage, Stored } from "../messages/inbound-message";
import { CHANNELS } from "../channels";
import type { ChannelName, ChatAddress, TapOutcome } from "../channels/channel";
import { chatOf } from "../directory/link-doors";
import type { Conversation } from "../conversations/conversations-repo";
import type { Media } from "../messages/messages-repo";
import type { OutboxWriter } from "../outbox/outbox-addressing";
import type { SettingsRepo } from "../config/settings-repo";
import type { Transaction } from "../shared/sql";
import type { Messages } from "../messages/messages";
import { answerGithubTap, parseGithubTap, typedGithubTap } from "../github/github-deliveries";
import { receiveEvent } from "../runs/event-runs";
import { FIX_STARTED_ALREADY } from "../github/github-replies";
import { reviewMessageForAgent, reviewSentLine } from "../protocol/review-comments";
import { closedQuestionOf, staleTapReply } from "./stale-tap";
import type { ReviewInput, ReviewQuestion, ReviewQuestions } from "../changes/review-replies";

export type InboxDeps = CommandDeps & {
  transaction: Transaction;
  lifecycle: Messages;
  settings: SettingsRepo;
  outboxRepo: Pick<OutboxWriter, "add" | "releaseHeld" | "anyHeld">;
  /** The object's user, and whether a chat reaching it may run admin commands (link-doors.ts's chatIsAdmin). */
  sender: { phone: string; isAdminChat: (chat: ChatAddress) => boolean };
  /** MAX_MESSAGES_PER_MINUTE (0: no limit). */
  maxMessagesPerMinute: number;
  /** The open "which file?" question of a chat comment (changes/review-replies.ts). */
  reviews: ReviewQuestions;
};

/** Why text for the agent cannot go where it is addressed; null when it can. */
function refusal(route: Extract<InboundRoute, { kind: "agent" }>, target: Conversation | null): string | null {
  if (!target) return route.conversation ? noSuchConversation(route.conversation) : NO_CURRENT_CONVERSATION;
  if (target.status === "cloning") return stillCloning(target.name);
  return null;
}

/**
 * An answer to the agent's approval prompts: a tapped button of ours, or `yes`/`no`/`always`
 * typed while a prompt is open (otherwise such text is for the agent, as any other).
 */
function approvalAnswerOf(d: InboxDeps, message: InboundMessage): AnswerInput | null {
  const tapped = message.buttonPayload ? parseButtonPayload(message.buttonPayload) : null;
  if (tapped) return { via: "button", ...tapped };
  if (message.media.length > 0 || !d.approvals.hasPending()) return null;
  const typed = parseApprovalAnswer(message.body);
  return typed && { via: "text", ...typed };
}

/** The channel it was written on: without a source, the object's own phone on WhatsApp. */
function channelOf(message: InboundMessage): ChannelName {
  return message.source?.channel ?? "whatsapp";
}

/** Stores the message once per MessageSid (false: a redelivery, nothing changed); the user wrote, so a channel's reply window is open again. */
function store(d: InboxDeps, message: InboundMessage, m: { body: string; media: Media[]; conversationId: number; slash: boolean }, now: number): boolean {
  if (!d.messages.insert({ id: message.messageId, ...m, receivedAt: message.receivedAt, source: message.source, origin: message.origin ?? null, now })) return false;
  d.settings.set("public_origin", message.publicOrigin);
  // Whatever was held for a reply window can go now (mostly nothing: a remembered read says so);
  // only a message on a channel with such a window opens it.
  if (CHANNELS[channelOf(message)].limits.replyWindowMs !== null && d.outboxRepo.anyHeld()) d.outboxRepo.releaseHeld(now);
  return true;
}

/**
 * Stores and routes `message`; null when this MessageSid was stored before (a redelivery).
 * `review`: what its text was read as against a change the relay showed (review-replies.ts), read before.
 */
export function receive(d: InboxDeps, message: InboundMessage, now: number, review: ReviewInput | null = null): Stored | null {
  // A typed "fix it" under a CI notice does what its button does (the run that hears what failed).
  const tap = parseGithubTap(message.buttonPayload) ?? (message.buttonPayload || message.media.length > 0 ? null : typedGithubTap(d, message.body, (id) => d.messages.get(id) !== null, now));
  if (tap) return receiveGithubTap(d, message, tap, now);
  const answer = approvalAnswerOf(d, message);
  if (answer) return receiveAnswer(d, message, answer, now);
  const undoWord = message.media.length === 0 ? d.changes.answerOf(message.body, message.buttonPayload, d.runs.liveIn) : null;
  if (undoWord) return receiveUndoAnswer(d, message, undoWord, now);
  const shipWord = shipAnswerOf(d, message);
  if (shipWord) return receiveShipAnswer({ ...d, store: (m) => store(d, message, m, now) }, message, shipWord, now);
  const reviewChoice = d.reviews.answerOf(message);
  if (reviewChoice) return receiveReviewChoice(d, message, reviewChoice, now);
  const away = parseAwayAnswer(message.buttonPayload);
  if (away) return receiveAwayAnswer(d, message, away, now);
  const keep = parseConflictAnswer(message.buttonPayload);
  if (keep) return receiveConflictAnswer(d, message, keep, now);
  // A tap that nothing answers any more (its question closed): never text for the agent. Every
  // button is the relay's own, so a payload nothing above took is such a tap.
  if (message.buttonPayload) return receiveStaleTap(d, message, message.buttonPayload, now);
  // A message with media is always for the agent (its caption is not a command).
  const parsed = routeInbound(message.body);
  const route: InboundRoute = message.media.length > 0 && parsed.kind === "command" ? { kind: "agent", text: message.body.trim(), slash: false, conversation: null } : parsed;
  return d.transaction(() => {
    // Over the rate limit: not stored as work (nor as a MessageSid: a retry is refused the same way).
    const exempt = route.kind === "command" && (route.command.type === "cancel" || route.command.type === "status");
    const limit = d.maxMessagesPerMinute;
    const rate = decideRate({ recent: limit > 0 ? d.messages.countUserSince(now - RATE_WINDOW_MS, limit) : 0, limit, exempt, lastNoticeAt: d.settings.getNumber("rate_notice_at"), now });
    if (rate.action === "refuse") {
      if (rate.notify) {
        d.settings.set("rate_notice_at", now);
        d.outboxRepo.add({ dedupeKey: outboxKeys.rateLimited(now), body: rateLimitedNotice(limit), to: message.source, now });
      }
      return { route: "rate_limited", command: undefined, after: null };
    }
    const comment = route.kind === "agent" ? review : null;
    const target = comment ? d.conversations.repo.get(comment.conversationId) : route.kind === "agent" && route.conversation ? d.conversations.repo.byName(route.conversation) : d.conversations.current();
    const body = comment?.kind === "comments" ? reviewMessageForAgent(comment.comments) : route.kind === "agent" ? route.text : message.body;
    const slash = route.kind === "agent" && route.slash;
    // A "which file?" question left unanswered: its text goes to the agent as written, before this message.
    const unanswered = d.reviews.open() && d.messages.get(message.messageId) === null ? d.reviews.close() : null;
    if (unanswered) queueAsWritten(d, unanswered, now);
    if (!store(d, message, { body, media: message.media, conversationId: target?.id ?? d.conversations.currentId(), slash }, now)) return null;
    // /undo's and /ship's questions are answered by the very next message only.
    d.changes.close();
    d.pullRequests.closeQuestion();
    const refused = route.kind === "agent" ? refusal(route, target) : null;
    if (comment && refused === null) {
      if (comment.kind === "ambiguous") return askWhichFile(d, message, comment, body, now);
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: reviewSentLine(comment.comments), to: message.source, now });
    }
    if (route.kind === "agent" && refused === null) {
      // One acknowledgement per run, however many messages wait behind it: the run of the message's
      // own conversation (another conversation's run does not hold it: runs/run-slots.ts).
      d.lifecycle.received(message.messageId, d.runs.openIn(target?.id ?? d.conversations.currentId())?.id ?? null, now);
      // On the laptop: the message waits (no run starts for the conversation) and the user is asked, once per hand-off.
      const since = target ? d.handoffs.awaySince(target.id) : null;
      if (target && since !== null && d.handoffs.markAsked(target.id, now)) {
        const question = awayQuestion(target.name, awayClock(since, timeZoneOf(d.settings), formatDateTimeInZone));
        d.outboxRepo.add({ dedupeKey: `handoff-ask:${message.messageId}`, body: question, buttons: awayButtons(target.id), to: message.source, now });
      }
      return { route: route.kind, command: undefined, after: null };
    }
    d.lifecycle.answeredByRelay(message.messageId, now);
    const answer = route.kind === "command" ? answerCommand(route.command, d, { phone: d.sender.phone, isAdmin: d.sender.isAdminChat(chatOf(d.sender.phone, message.source)), source: message.source }, now) : { text: refused ?? "", after: null };
    // Long answers (/schedules with many tasks) go in parts, like the agent's replies.
    if (answer.text) d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), partKey: (i) => outboxKeys.command(message.messageId, i), body: answer.text, to: message.source, now });
    return { route: route.kind, command: route.kind === "command" ? typedCommand(message.body) : undefined, after: answer.after };
  });
}

/** An approval answer: stored once per MessageSid like any message (a channel's retry applies nothing), never rate-limited. */
function receiveAnswer(d: InboxDeps, message: InboundMessage, answer: AnswerInput, now: number): Stored | null {
  return d.transaction(() => {
    if (!store(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const tap = answer.via === "button" ? d.approvals.tapOutcome(answer.approvalId) : undefined;
    // "Which one?" comes with a button per open prompt (read before the answer: it changes nothing then).
    const buttons = d.approvals.choices(answer);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: d.approvals.answer(answer, now), ...(buttons ? { buttons } : {}), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, ...(tap ? { tap } : {}) };
  });
}

/** A yes or no to /undo's question: stored once per MessageSid like any message; the VM undoes after the webhook's answer. */
function receiveUndoAnswer(d: InboxDeps, message: InboundMessage, word: UndoReplyWord, now: number): Stored | null {
  return d.transaction(() => {
    if (!store(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const reply = answerUndo(d, word);
    if (reply.text) d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: reply.text, to: message.source, now });
    return { route: "approval_answer", command: typedCommand(message.body), after: reply.after, ...(message.buttonPayload ? { tap: "taken" as const } : {}) };
  });
}

/** A tap on an acknowledged button whose question is closed (or no button of ours): stored once, answered on the button alone. */
/** "Go on here" or "Keep on laptop": stored once per MessageSid; "Go on here" ends the hand-off, and the waiting messages run. */
function receiveAwayAnswer(d: InboxDeps, message: InboundMessage, answer: { conversationId: number; yes: boolean }, now: number): Stored | null {
  return d.transaction(() => {
    if (!store(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const conversation = d.conversations.repo.get(answer.conversationId);
    const open = conversation !== null && d.handoffs.awaySince(conversation.id) !== null;
    if (!conversation || !open) return { route: "approval_answer", command: undefined, after: null, tap: "expired" };
    if (answer.yes) d.handoffs.markBack(conversation.id, now);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: (answer.yes ? goOnHereReply : keepOnLaptopReply)(conversation.name), now });
    return { route: "approval_answer", command: undefined, after: null, tap: "taken" };
  });
}

/**
 * "Keep laptop" or "Keep phone" after a hand-back met a conversation changed here too: answered
 * once. "Keep phone" ends the hand-off here; "Keep laptop" has the VM swap sides after the webhook's answer.
 */
function receiveConflictAnswer(d: InboxDeps, message: InboundMessage, answer: { conversationId: number; keep: "laptop" | "phone" }, now: number): Stored | null {
  return d.transaction(() => {
    if (!store(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const conversation = d.conversations.repo.get(answer.conversationId);
    const staged = conversation ? takeConflict(d.settings, conversation.id) : null;
    if (!conversation || !staged) {
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: conflictAnsweredReply, to: message.source, now });
      return { route: "approval_answer", command: undefined, after: null, tap: "expired" };
    }
    if (answer.keep === "laptop") return { route: "approval_answer", command: undefined, after: { kind: "handoff_keep_laptop", conversationId: conversation.id, staged }, tap: "taken" };
    d.handoffs.markBack(conversation.id, now);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: keptPhoneReply(conversation.name, staged), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, tap: "taken" };
  });
}

/**
 * A tap on a closed question's button: stored and answered by the relay. Where taps are acknowledged
 * on the button (Telegram) that says it; elsewhere (WhatsApp) a reply names the question.
 */
function receiveStaleTap(d: InboxDeps, message: InboundMessage, payload: string, now: number): Stored | null {
  return d.transaction(() => {
    if (!store(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const question = closedQuestionOf(payload);
    if (!CHANNELS[channelOf(message)].limits.acksTaps) d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: staleTapReply(question), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null, tap: question ? "expired" : "unknown" };
  });
}

/** "Fix it" or "Later" under a GitHub notice: stored once per MessageSid; "Fix it" starts its run (once per notice). */
function receiveGithubTap(d: InboxDeps, message: InboundMessage, tap: NonNullable<ReturnType<typeof parseGithubTap>>, now: number): Stored | null {
  const reply = (body: string) => d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body, now });
  const answer = d.transaction(() => {
    if (!store(d, message, { body: message.body, media: [], conversationId: d.conversations.currentId(), slash: false }, now)) return null;
    d.lifecycle.answeredByRelay(message.messageId, now);
    const a = answerGithubTap(d, tap);
    if (a.text) reply(a.text);
    return a;
  });
  if (!answer) return null;
  if (answer.run && receiveEvent(d, { ...answer.run, receivedAt: message.receivedAt, publicOrigin: message.publicOrigin, source: message.source }, now).outcome === "duplicate") reply(FIX_STARTED_ALREADY);
  // "Fix it" is answered once for good, so its buttons may go; "Later" leaves them for a later tap.
  const outcome: TapOutcome | undefined = answer.run ? "taken" : tap.answer === "fix" ? "expired" : undefined;
  return { route: "approval_answer", command: typedCommand(message.body), after: null, ...(outcome ? { tap: outcome } : {}) };
}

/** A comment that fits several files: the text is kept (answered by the question), and the question asked with a button per file. */
function askWhichFile(d: InboxDeps, message: InboundMessage, comment: Extract<ReviewInput, { kind: "ambiguous" }>, body: string, now: number): Stored {
  d.lifecycle.answeredByRelay(message.messageId, now);
  const question = d.reviews.ask(comment, { id: message.messageId, body, receivedAt: message.receivedAt, ...(message.source ? { source: message.source } : {}) }, now);
  d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: question.text, buttons: question.buttons, to: message.source, now });
  return { route: "approval_answer", command: undefined, after: null };
}

/** The file chosen: this message carries the comments to the agent, anchored, as a typed message would (a run starts or the live one takes it). */
function receiveReviewChoice(d: InboxDeps, message: InboundMessage, picked: NonNullable<ReturnType<ReviewQuestions["answerOf"]>>, now: number): Stored | null {
  const { question, choice } = picked;
  const conversationId = d.conversations.repo.get(question.conversationId) ? question.conversationId : d.conversations.currentId();
  return d.transaction(() => {
    if (!store(d, message, { body: reviewMessageForAgent(choice.comments), media: [], conversationId, slash: false }, now)) return null;
    d.reviews.close();
    d.lifecycle.received(message.messageId, d.runs.openIn(conversationId)?.id ?? null, now);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: reviewSentLine(choice.comments), to: message.source, now });
    return { route: "agent", command: undefined, after: null, ...(message.buttonPayload ? { tap: "taken" as const } : {}) };
  });
}

/** The text of an unanswered question, queued as the plain message it would have been (under its own id, once). */
function queueAsWritten(d: InboxDeps, q: ReviewQuestion, now: number): void {
  const id = `${q.original.id}-as-written`;
  const conversationId = d.conversations.repo.get(q.conversationId) ? q.conversationId : d.conversations.currentId();
  if (!d.messages.insert({ id, body: q.original.body, media: [], conversationId, receivedAt: q.original.receivedAt, ...(q.original.source ? { source: q.original.source } : {}), now })) return;
  d.lifecycle.received(id, d.runs.openIn(conversationId)?.id ?? null, now);
}
