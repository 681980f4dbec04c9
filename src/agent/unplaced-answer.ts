// A bare typed answer (`yes`, `no`, `yes all`) that the relay does not place: several questions
// could take it (questions/questions.ts's bareAnswer says "which"), or only other conversations'
// questions take it ("elsewhere"). Nothing is done; the reply names each question and how to
// answer it, with each question's own button for that answer, so a tap answers that one only.
// Stored once as any message is.
import { parseApprovalAnswer } from "../approvals/approvals";
import { outboxKeys } from "../outbox/outbox-keys";
import type { InboundMessage, Stored } from "../messages/inbound-message";
import type { VmAction } from "./vm-action";
import type { Question, QuestionMatch } from "../questions/questions";
import { closedQuestionOf } from "./stale-tap";
import { answerApproval, storeAnswer } from "./question-answers";
import type { InboxDeps } from "./inbox-deps";

type Unplaced = Extract<QuestionMatch, { kind: "which" | "elsewhere" }>;

/** The most buttons a reply carries (WhatsApp's quick replies); the text names every question. */
const MAX_BUTTONS = 3;

/** How a question is named in the reply: an approval by its number, conversation and request; the others as a closed tap names them. */
function nameOf(d: InboxDeps, q: Question): string {
  if (q.kind === "approval") return d.approvals.label(Number(q.ref)) ?? "an approval";
  const name = closedQuestionOf(q.kind)?.name ?? "a question of the relay";
  const conversation = q.conversationId === null ? null : d.conversations.repo.get(q.conversationId)?.name;
  return conversation ? `${name} [${conversation}]` : name;
}

/** The question's own button for `value` (its payload answers that question only), if it has one. */
const buttonFor = (q: Question, value: string): string | null => Object.entries(q.buttons).find(([, v]) => v === value)?.[0] ?? null;

/** `Your “yes” could answer 2 questions, so nothing was done. …`: each numbered, with its button. */
export function unplacedReply(typed: string, match: Unplaced, names: readonly string[], here: string | null): string {
  const lines = names.map((n, i) => `${i + 1}. ${n}`);
  const head =
    match.kind === "which"
      ? `Your “${typed}” could answer ${names.length} questions, so nothing was done. Tap the one you mean, or answer an approval by its number:`
      : `Nothing was done: a bare “${typed}” answers only a question of ${here === null ? "the conversation you are in" : `“${here}”, the conversation you are in`}. ${names.length === 1 ? "This one is another conversation's" : "These are other conversations'"}: tap ${names.length === 1 ? "its" : "one's"} button, or answer an approval by its number:`;
  return [head, ...lines].join("\n");
}

export function receiveUnplaced(d: InboxDeps, message: InboundMessage, match: Unplaced, now: number): Stored<VmAction> | null {
  const here = d.conversations.currentId();
  const typed = parseApprovalAnswer(match.value);
  // Only approvals: theirs is the reply ("which one?" naming each prompt, or how to answer another conversation's).
  if (typed && match.questions.every((q) => q.kind === "approval")) {
    if (match.kind === "which") return answerApproval(d, message, { via: "text", answer: typed.answer, target: { kind: "only" } }, now, d.approvals.which(typed.answer, here));
    return d.transaction(() => {
      if (!storeAnswer(d, message, now)) return null;
      const body = d.approvals.otherConversations(typed.answer, match.questions.map((q) => Number(q.ref)), here);
      const buttons = d.approvals.choices({ via: "text", answer: typed.answer, target: { kind: "only" } }) ?? [];
      d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body, ...(buttons.length > 0 ? { buttons } : {}), to: message.source, now });
      return { route: "approval_answer", command: undefined, after: null };
    });
  }
  return d.transaction(() => {
    if (!storeAnswer(d, message, now)) return null;
    const word = message.body.trim().replace(/\s+/g, " ");
    const body = unplacedReply(word, match, match.questions.map((q) => nameOf(d, q)), d.conversations.current()?.name ?? null);
    const title = word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
    const buttons = match.questions
      .flatMap((q, i) => {
        const id = buttonFor(q, match.value);
        return id ? [{ title: `${title} ${i + 1}`.slice(0, 20), id }] : [];
      })
      .slice(0, MAX_BUTTONS);
    d.outboxRepo.add({ dedupeKey: outboxKeys.command(message.messageId), body, ...(buttons.length > 0 ? { buttons } : {}), to: message.source, now });
    return { route: "approval_answer", command: undefined, after: null };
  });
}
