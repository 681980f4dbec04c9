// A tap on a button of the relay's whose question is closed (answered, replaced, or voided by a
// run since): which question it was, named from its row's kind, and what the chat says. On a chat
// app that acknowledges taps on the button itself (Telegram) the acknowledgement says it; on
// WhatsApp, whose quick replies arrive as a message, this reply does. Pure.
import type { QuestionKind } from "../questions/questions";

/** The closed question a tap was on (null: a button no question of ours holds any more). */
export type ClosedQuestion = { name: string; again: string } | null;

/** The kinds whose closed buttons reach this: the others' capabilities answer a late tap themselves. */
const NAMES: Partial<Record<QuestionKind, NonNullable<ClosedQuestion>>> = {
  undo: { name: "/undo's “take the last change back?”", again: "send /undo to be asked again" },
  ship: { name: "/ship's “push and open the pull request?”", again: "send /ship to be asked again" },
  review_file: { name: "“which file?” about your comment", again: "send the comment again with its file (src/app.ts:12 …)" },
};

export function closedQuestionOf(kind: QuestionKind | null): ClosedQuestion {
  return (kind && NAMES[kind]) ?? null;
}

/** `That question is closed: …`: the tap changed nothing and reached no agent. */
export function staleTapReply(question: ClosedQuestion): string {
  const what = question ? `That question is closed: ${question.name}.` : "That button's question is closed.";
  return `${what} Your tap changed nothing and went to no agent${question ? `; ${question.again}` : ""}.`;
}
