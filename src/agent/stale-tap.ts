// A tap on a button of the relay's whose question is closed (answered, replaced, or voided by a
// run since): which question it was, named from its row's kind, and what the chat says. On a chat
// app that acknowledges taps on the button itself (Telegram) the acknowledgement says it; on
// WhatsApp, whose quick replies arrive as a message, this reply does. And what the chat says when
// a typed message closes a question without answering it. Pure.
import type { ParsedCommand } from "../commands/parsed-command";
import type { QuestionKind } from "../questions/questions";
import { UNDO_LEFT, UNDO_VOIDED } from "../changes/changes-replies";
import { SHIP_LEFT, SHIP_VOIDED } from "../github/ship";

/** The closed question a tap was on (null: a button no question of ours holds any more). */
export type ClosedQuestion = { name: string; again: string } | null;

/** The kinds whose closed buttons reach this: the others' capabilities answer a late tap themselves. */
const NAMES: Partial<Record<QuestionKind, NonNullable<ClosedQuestion>>> = {
  undo: { name: "/undo's “take the last change back?”", again: "send /undo to be asked again" },
  ship: { name: "/ship's “push and open the pull request?”", again: "send /ship to be asked again" },
  review_file: { name: "“which file?” about your comment", again: "send the comment again with its file (src/app.ts:12 …)" },
  plan: { name: "the agent's plan, answered already or its run over", again: "send /plan <task> to plan again" },
};

export function closedQuestionOf(kind: QuestionKind | null): ClosedQuestion {
  return (kind && NAMES[kind]) ?? null;
}

/** `That question is closed: …`: the tap changed nothing and reached no agent. */
export function staleTapReply(question: ClosedQuestion): string {
  const what = question ? `That question is closed: ${question.name}.` : "That button's question is closed.";
  return `${what} Your tap changed nothing and went to no agent${question ? `; ${question.again}` : ""}.`;
}

/**
 * What the user reads when /undo's or /ship's question closes with a message that does not answer
 * it: nothing was done, why, and how to be asked again. `voided`: a run of its conversation started
 * after it was asked, so even its own words no longer answered it. Nothing when the message asks
 * the same question again (its own answer follows), and nothing for the other kinds: a "which
 * file?" comment goes on to the agent, which answers it.
 */
export function leftUnansweredNotice(kind: QuestionKind, command: ParsedCommand["type"] | null, voided: boolean): string | null {
  if (kind === "undo") return command === "undo" ? null : voided ? UNDO_VOIDED : UNDO_LEFT;
  if (kind === "ship") return command === "ship" ? null : voided ? SHIP_VOIDED : SHIP_LEFT;
  return null;
}
