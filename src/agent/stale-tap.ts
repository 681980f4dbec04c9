// A tap on a button of the relay's whose question is closed (answered, replaced, or voided by a
// run since): which question it was, from the button's payload, and what the chat says. On a chat
// app that acknowledges taps on the button itself (Telegram) the acknowledgement says it; on
// WhatsApp, whose quick replies arrive as a message, this reply does. Pure.
import { parseUndoAnswer } from "../changes/run-change";
import { parseShipAnswer } from "../github/ship";
import { isReviewButton } from "../changes/review-question";

/** The closed question a payload names (null: not a question of ours this knows). */
export type ClosedQuestion = { name: string; again: string } | null;

export function closedQuestionOf(payload: string): ClosedQuestion {
  if (parseUndoAnswer("", payload)) return { name: "/undo's “take the last change back?”", again: "send /undo to be asked again" };
  if (parseShipAnswer("", payload)) return { name: "/ship's “push and open the pull request?”", again: "send /ship to be asked again" };
  if (isReviewButton(payload)) return { name: "“which file?” about your comment", again: "send the comment again with its file (src/app.ts:12 …)" };
  return null;
}

/** `That question is closed: …`: the tap changed nothing and reached no agent. */
export function staleTapReply(question: ClosedQuestion): string {
  const what = question ? `That question is closed: ${question.name}.` : "That button's question is closed.";
  return `${what} Your tap changed nothing and went to no agent${question ? `; ${question.again}` : ""}.`;
}
