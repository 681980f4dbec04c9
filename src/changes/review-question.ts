// "Which file?": the question the relay asks when a chat comment names a line several files of the
// change have, its buttons, and the answer that picks one (a tap, a number, or the file's path or
// end of path). Buttons are numbered, not named: WhatsApp's quick replies are made once per set of
// titles, and a file name would make one per question. Pure.
import { quoteInput } from "../shared/quote-input";
import type { ReviewChoice } from "./review-reply";

/** WhatsApp shows at most three quick replies; the rest are answered by number. */
const MAX_BUTTONS = 3;

export type ReviewQuestionFacts = { line: number; label: string; choices: readonly Pick<ReviewChoice, "file" | "comments">[] };

/** The line the choice `file` gives the ambiguous reference: "new line 12: const x = 1". */
function lineOf(choice: Pick<ReviewChoice, "file" | "comments">, line: number): string {
  const c = choice.comments.find((k) => k.file === choice.file && k.line === line) ?? choice.comments.find((k) => k.file === choice.file);
  return c ? `${c.side} line ${c.line}: ${quoteInput(c.lineText)}` : "";
}

/** The question's text: the files, numbered, each with the line it would mean, and what happens if no file is chosen. */
export function reviewQuestion(q: ReviewQuestionFacts): string {
  const items = q.choices.map((c, i) => `${i + 1}. ${c.file} (${lineOf(c, q.line)})`);
  return [
    `Line ${q.line} is in ${q.choices.length} files of the change of ${q.label}. Which one is your comment on?`,
    ...items,
    "Tap or reply with its number. Nothing goes to the agent until you choose; if you write something else instead, your comment goes to the agent as the plain message you wrote, then that.",
  ].join("\n");
}

/** A button's payload: the question's id (its asking time, so a tap on an older question's button is stale) and the choice. */
export const reviewButtonId = (questionId: number, index: number) => `review:${questionId.toString(36)}:${index + 1}`;

/** The first three choices as buttons (the text names every choice and says to reply with its number). */
export function reviewButtons(questionId: number, count: number): { title: string; id: string }[] {
  return Array.from({ length: Math.min(count, MAX_BUTTONS) }, (_, i) => ({ title: String(i + 1), id: reviewButtonId(questionId, i) }));
}

/** Whether a tapped payload is one of these questions' buttons (answered or not). */
export const isReviewButton = (payload: string | null | undefined): boolean => !!payload && /^review:[0-9a-z]+:\d+$/.test(payload);

/**
 * The choice (0-based) an answer picks of the open question `questionId`, or null: a tap on its
 * button, a number in range, or a path (or its end at a `/`) that names one file alone.
 */
export function parseReviewAnswer(text: string, buttonPayload: string | null | undefined, q: { id: number; files: readonly string[] }): number | null {
  if (buttonPayload) {
    const tapped = /^review:([0-9a-z]+):(\d+)$/.exec(buttonPayload.trim());
    if (!tapped || tapped[1] !== q.id.toString(36)) return null;
    const index = Number(tapped[2]) - 1;
    return index < q.files.length ? index : null;
  }
  const typed = text.trim().replace(/[.!]$/, "");
  if (/^\d{1,2}$/.test(typed)) {
    const index = Number(typed) - 1;
    return index >= 0 && index < q.files.length ? index : null;
  }
  const exact = q.files.indexOf(typed);
  if (exact !== -1) return exact;
  const ending = q.files.flatMap((f, i) => (f.endsWith(`/${typed}`) ? [i] : []));
  return ending.length === 1 ? ending[0]! : null;
}
