// A message arriving on a channel: stored once per its channel's id, routed (an answer to a question
// the relay asked goes to the capability that asked it; a relay command is answered at once; text
// for the agent is queued for its conversation), all in one transaction. What the VM must do as a
// result is returned, for after the webhook has its answer.
import { awayButtons, awayClock, awayQuestion, awayQuestionRef } from "../handoff/handoff";
import { formatDateTimeInZone } from "../schedules/schedule-format";
import { timeZoneOf } from "../schedules/schedules-unit";
import { routeInbound, type InboundRoute } from "../commands/inbound-route";
import { rateLimitedNotice } from "../messages/notices";
import { decideRate, RATE_WINDOW_MS } from "../shared/rate-limit";
import { outboxKeys } from "../outbox/outbox-keys";
import { NO_CURRENT_CONVERSATION, noSuchConversation, stillCloning } from "../conversations/conversations-replies";
import { answerCommand } from "./command-handler";
import type { InboxDeps } from "./inbox-deps";
export type { InboxDeps } from "./inbox-deps";
import { type InboundMessage, type Stored, typedCommand } from "../messages/inbound-message";
import type { VmAction } from "./vm-action";
import type { ChatAddress } from "../channels/channel";
import { chatOf } from "../directory/link-doors";
import type { Conversation } from "../conversations/conversations-repo";
import type { OutboxWriter } from "../outbox/outbox-addressing";
import type { SettingsRepo } from "../config/settings-repo";
import type { Transaction } from "../shared/sql";
import type { Messages } from "../messages/messages";
import { reviewMessageForAgent, reviewSentLine } from "../protocol/review-comments";
import type { ReviewInput, ReviewQuestion, ReviewQuestions } from "../changes/review-replies";
import { closedByNextMessage, isOpen, matchQuestion, type RunFacts } from "../questions/questions";
import type { QuestionsRepo } from "../questions/questions-repo";
import { askAway, closeUnanswered, QUESTION_HANDLERS, receiveUnheldTap } from "./question-answers";
import { storeOnce } from "./stored-message";
import { receiveUnplaced } from "./unplaced-answer";


/** Why text for the agent cannot go where it is addressed; null when it can. */
function refusal(route: Extract<InboundRoute, { kind: "agent" }>, target: Conversation | null): string | null {
  if (!target) return route.conversation ? noSuchConversation(route.conversation) : NO_CURRENT_CONVERSATION;
  if (target.status === "cloning") return stillCloning(target.name);
  return null;
}

/** What decides whether an untilRun question still holds: its conversation's run now, and its newest run's start. */
const runFactsOf =
  (d: InboxDeps) =>
  (conversationId: number): RunFacts => ({ runOpen: d.runs.liveIn(conversationId), lastRunStartedAt: d.runChanges.lastRunStartedAt(conversationId) });

/**
 * The answer to a question the relay asked, given to the capability that asked it; "none" when the
 * message answers none (a tap always answers one: a closed question's, or no question of ours).
 * A question its capability finds no longer open is passed over, and the message read again.
 */
function answerQuestion(d: InboxDeps, message: InboundMessage, now: number): Stored<VmAction> | null | "none" {
  const payload = message.buttonPayload?.trim() || null;
  // Nearly every message is typed text with no question open: one remembered read, nothing more.
  const candidates = payload ? d.questions.withButton(payload) : d.questions.open();
  if (candidates.length === 0 && !payload) return "none";
  const runs = runFactsOf(d);
  const passed = new Set<number>();
  for (;;) {
    const written = { body: message.body, buttonPayload: payload, hasMedia: message.media.length > 0, conversationId: d.conversations.currentId() };
    const match = matchQuestion(written, candidates.filter((q) => !passed.has(q.id)), now, runs);
    if (match.kind === "none") return "none";
    if (match.kind === "which" || match.kind === "elsewhere") return receiveUnplaced(d, message, match, now);
    if (match.kind === "unknown_button") return receiveUnheldTap(d, message, match.payload, match.of, now);
    const outcome = QUESTION_HANDLERS[match.question.kind](d, message, match, now);
    if (outcome !== "not_open") return outcome.stored;
    passed.add(match.question.id);
  }
}

/**
 * Stores and routes `message`; null when this MessageSid was stored before (a redelivery).
 * `review`: what its text was read as against a change the relay showed (review-replies.ts), read before.
 */
export function receive(d: InboxDeps, message: InboundMessage, now: number, review: ReviewInput | null = null): Stored<VmAction> | null {
  const answered = answerQuestion(d, message, now);
  if (answered !== "none") return answered;
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
    // The questions answered by the next message only close now, each told to its capability (a
    // "which file?" comment goes to the agent as written, before this message). Not on a redelivery.
    // Nearly always none is open: the remembered read only.
    // A voice note alone may be a spoken "yes": its words are known only once heard, so it leaves them open.
    const mayBeSpokenAnswer = message.body.trim() === "" && message.media.length === 1 && /^audio\//i.test(message.media[0]!.contentType ?? "");
    const closing = mayBeSpokenAnswer ? [] : closedByNextMessage(d.questions.open(), null);
    if (closing.length > 0 && d.messages.get(message.messageId) === null) {
      closeUnanswered(d, message, closing, now, {
        command: route.kind === "command" ? route.command.type : null,
        stillOpen: (q) => isOpen(q, now, runFactsOf(d)),
        queueAsWritten: (q) => queueAsWritten(d, q, now),
      });
    }
    if (!storeOnce(d, message, { body, media: message.media, conversationId: target?.id ?? d.conversations.currentId(), slash }, now)) return null;
    const refused = route.kind === "agent" ? refusal(route, target) : null;
    if (comment && refused === null) {
      if (comment.kind === "ambiguous") return askWhichFile(d, message, comment, body, now);
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: reviewSentLine(comment.comments), to: message.source, now });
    }
    if (route.kind === "agent" && refused === null) {
      // `/plan <task>`: its run (and those after, until a plan is approved) plans first.
      if (route.plan) d.conversations.repo.setPlanNext(target?.id ?? d.conversations.currentId(), true);
      // One acknowledgement per run, however many messages wait behind it: the run of the message's
      // own conversation (another conversation's run does not hold it: runs/run-slots.ts).
      d.lifecycle.received(message.messageId, d.runs.openIn(target?.id ?? d.conversations.currentId())?.id ?? null, now);
      // On the laptop: the message waits (no run starts for the conversation) and the user is asked,
      // once per hand-off: the question's own row says whether they were, since it went away.
      const since = target ? d.handoffs.awaySince(target.id) : null;
      if (target && since !== null && !d.questions.askedSince("handoff_away", awayQuestionRef(target.id), since)) {
        askAway(d, message, target.id, awayQuestion(target.name, awayClock(since, timeZoneOf(d.settings), formatDateTimeInZone)), awayButtons(target.id), now);
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

/** A comment that fits several files: the text is kept (answered by the question), and the question asked with a button per file. */
function askWhichFile(d: InboxDeps, message: InboundMessage, comment: Extract<ReviewInput, { kind: "ambiguous" }>, body: string, now: number): Stored<VmAction> {
  d.lifecycle.answeredByRelay(message.messageId, now);
  const question = d.reviews.ask(comment, { id: message.messageId, body, receivedAt: message.receivedAt, ...(message.source ? { source: message.source } : {}) }, now);
  d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body: question.text, buttons: question.buttons, to: message.source, now });
  return { route: "approval_answer", command: undefined, after: null };
}

/** The text of an unanswered question, queued as the plain message it would have been (under its own id, once). */
function queueAsWritten(d: InboxDeps, q: ReviewQuestion, now: number): void {
  const id = `${q.original.id}-as-written`;
  const conversationId = d.conversations.repo.get(q.conversationId) ? q.conversationId : d.conversations.currentId();
  if (!d.messages.insert({ id, body: q.original.body, media: [], conversationId, receivedAt: q.original.receivedAt, ...(q.original.source ? { source: q.original.source } : {}), now })) return;
  d.lifecycle.received(id, d.runs.openIn(conversationId)?.id ?? null, now);
}
