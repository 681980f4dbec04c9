// A chat reply read as a review comment on a change the relay showed (changes/review-reply.ts
// decides). Which message showed which change is remembered (a change line, a /diff picture);
// a text that names a line is read against the change its quote names, else the conversation's
// last shown one, whose diff is read from R2 before the message is stored: only such texts pay
// for it. A comment is queued as a typed message would be, anchored (reviewMessageForAgent);
// one that fits several files asks which, and the next message answers or releases it.
import * as z from "zod/mini";
import { type ChangeFileLines, changeLinesOf } from "./change-lines";
import { withDeadline } from "../shared/deadline";
import { readJson } from "../shared/json-text";
import type { Log } from "../shared/log";
import { ReviewCommentSchema, type ReviewComment } from "../protocol/review-comments";
import { reviewButtons, reviewQuestion, reviewQuestionOf } from "./review-question";
import type { QuestionsRepo } from "../questions/questions-repo";
import type { Question } from "../questions/questions";
import { lineReferencesOf, readReviewReply, type ReviewChoice } from "./review-reply";
import { CHANNEL_NAMES } from "../channels";
import type { InboundMessage } from "../messages/inbound-message";
import type { ConversationsRepo } from "../conversations/conversations-repo";
import type { MessageSource } from "../messages/messages-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { RunChangesRepo } from "./run-changes-repo";
import type { SettingsRepo } from "../config/settings-repo";

/** Shown changes remembered (across conversations): a reply quotes a recent message, or follows the last one. */
const SHOWN_KEPT = 30;
/** Reading a diff holds the message's webhook: past this, the text goes as a plain message. */
const READ_DIFF_MS = 5_000;

const ShownSchema = z.array(z.object({ key: z.string(), vmRunId: z.string(), conversationId: z.number() }));
type Shown = z.infer<typeof ShownSchema>[number];

/** Which outbox message (by its key) showed which run's change; kept in settings, newest last. */
export function shownChangesOf(settings: Pick<SettingsRepo, "get" | "set">) {
  const list = (): Shown[] => readJson(ShownSchema, settings.get("shown_changes") ?? "[]") ?? [];
  return {
    /** Outbox message `key` shows `change` (inside the transaction that queues it, or as /diff is drawn). */
    shown(key: string, change: { vmRunId: string; conversationId: number }): void {
      const kept = list().filter((s) => s.key !== key);
      settings.set("shown_changes", JSON.stringify([...kept, { key, ...change }].slice(-SHOWN_KEPT)));
    },
    byKey: (key: string): Shown | null => list().find((s) => s.key === key) ?? null,
    lastIn: (conversationId: number): Shown | null => list().findLast((s) => s.conversationId === conversationId) ?? null,
  };
}

/** What a message's text was read as, before it is stored: comments to queue, or a question to ask. */
export type ReviewInput = { conversationId: number } & ({ kind: "comments"; comments: ReviewComment[] } | { kind: "ambiguous"; line: number; label: string; choices: ReviewChoice[] });

export type ReviewReadDeps = {
  settings: Pick<SettingsRepo, "get" | "set">;
  runChanges: Pick<RunChangesRepo, "get">;
  outbox: Pick<OutboxRepo, "keyOfSent">;
  conversations: { currentId: () => number; repo: Pick<ConversationsRepo, "byName"> };
  /** A kept diff's text (R2); null without a bucket. */
  readDiff: ((key: string) => Promise<string | null>) | null;
  /** Where a message's text goes (commands/inbound-route.ts's routeInbound, joined in agent/): only text for the agent is read for lines. */
  routeOf: (body: string) => { kind: "command" } | { kind: "agent"; text: string; slash: boolean; conversation: string | null };
  log: Log;
};

/** The change `message` comments on when its text names a line: the one its quote showed, else its conversation's last shown. */
function changeFor(d: ReviewReadDeps, message: InboundMessage, conversation: string | null) {
  const shown = shownChangesOf(d.settings);
  const channel = message.source?.channel ?? "whatsapp";
  const quotedKey = message.repliedTo ? d.outbox.keyOfSent(channel, message.repliedTo) : null;
  const quoted = quotedKey ? shown.byKey(quotedKey) : null;
  const conversationId = conversation === null ? d.conversations.currentId() : (d.conversations.repo.byName(conversation)?.id ?? null);
  const last = quoted ?? (conversationId === null ? null : shown.lastIn(conversationId));
  return last ? d.runChanges.get(last.vmRunId) : null;
}

/** A text naming a line and the shown change it would be about, to read; null for anything else (most messages: a regular expression decides it, without a read). */
export type ReviewCandidate = { text: string; change: NonNullable<ReturnType<RunChangesRepo["get"]>>; diffKey: string };

export function reviewCandidateOf(d: ReviewReadDeps, message: InboundMessage): ReviewCandidate | null {
  if (message.media.length > 0 || message.buttonPayload || !d.readDiff) return null;
  const route = d.routeOf(message.body);
  if (route.kind !== "agent" || route.slash || !lineReferencesOf(route.text)) return null;
  const change = changeFor(d, message, route.conversation);
  return change?.diffKey ? { text: route.text, change, diffKey: change.diffKey } : null;
}

/**
 * A change's lines as its stored diff (R2) has them, within READ_DIFF_MS; null when there is no
 * bucket or the diff cannot be read (logged). Never throws: it runs under blockConcurrencyWhile,
 * where a throw would reset the object.
 */
export async function readChangeLines(d: Pick<ReviewReadDeps, "readDiff" | "log">, change: { vmRunId: string }, diffKey: string): Promise<ChangeFileLines[] | null> {
  const readDiff = d.readDiff;
  if (!readDiff) return null;
  try {
    const diff = await withDeadline(READ_DIFF_MS, (signal) =>
      Promise.race([readDiff(diffKey), new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))]),
    );
    return diff === null ? null : changeLinesOf(diff);
  } catch (error) {
    d.log("review_diff_unread", { vmRunId: change.vmRunId, detail: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/** The candidate read against its change's diff: comments, a question to ask, or null (a plain message; so is a diff that cannot be read). */
export async function readReviewInput(d: ReviewReadDeps, { text, change, diffKey }: ReviewCandidate): Promise<ReviewInput | null> {
  const files = await readChangeLines(d, change, diffKey);
  if (files === null) return null;
  const reading = readReviewReply(text, { label: change.label, files });
  if (reading.kind === "not_a_comment") return null;
  return reading.kind === "comments" ? { ...reading, conversationId: change.conversationId } : { ...reading, label: change.label, conversationId: change.conversationId };
}

const QuestionSchema = z.object({
  /** When it was asked: its buttons carry it, so an older question's button answers nothing. */
  id: z.number(),
  conversationId: z.number(),
  choices: z.array(z.object({ file: z.string(), comments: z.array(ReviewCommentSchema) })),
  /** The text that was read as a comment, to queue as it is when the question is left unanswered. */
  original: z.object({ id: z.string(), body: z.string(), receivedAt: z.number(), source: z.optional(z.object({ channel: z.enum(CHANNEL_NAMES), chat: z.nullable(z.string()) })) }),
});
export type ReviewQuestion = z.infer<typeof QuestionSchema>;

/** "Which file?" questions: asked (with what it holds as its row's detail), then read back from the row an answer or the next message closes. */
export function reviewQuestionsOf(questions: Pick<QuestionsRepo, "ask">) {
  return {
    /** The question's text and buttons, once asked. */
    ask(input: Extract<ReviewInput, { kind: "ambiguous" }>, original: { id: string; body: string; receivedAt: number; source?: MessageSource }, now: number) {
      const q: ReviewQuestion = { id: now, conversationId: input.conversationId, choices: input.choices, original: { ...original, ...(original.source ? { source: original.source } : {}) } };
      questions.ask(reviewQuestionOf({ id: q.id, conversationId: q.conversationId, files: q.choices.map((c) => c.file) }, now, JSON.stringify(q)), now);
      return { text: reviewQuestion({ line: input.line, label: input.label, choices: input.choices }), buttons: reviewButtons(q.id, q.choices.length) };
    },
    /** What a "which file?" row holds (its choices, the comment as written); null for a row this code cannot read. */
    of: (q: Pick<Question, "detail">): ReviewQuestion | null => (q.detail === null ? null : readJson(QuestionSchema, q.detail)),
  };
}
export type ReviewQuestions = ReturnType<typeof reviewQuestionsOf>;
