// "Which file?": the question the relay asks when a chat comment names a line several files of the
// change have, its buttons, and the answer that picks one (a tap, a number, or the file's path or
// end of path). Buttons are numbered, not named: WhatsApp's quick replies are made once per set of
// titles, and a file name would make one per question. Pure.
import type { Button } from "../channels/channel";
import { quoteInput } from "../shared/quote-input";
import type { ReviewChoice } from "./review-reply";
import { normalizeTyped, type NewQuestion } from "../questions/questions";

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
export function reviewButtons(questionId: number, count: number): Button[] {
  return Array.from({ length: Math.min(count, MAX_BUTTONS) }, (_, i) => ({ title: String(i + 1), id: reviewButtonId(questionId, i) }));
}

/**
 * "Which file?" as a question (questions/): its buttons, a number in range, a file's path, or an end
 * of a path (at a `/`) that names one file alone; each to the choice's index. Known by its id (its
 * asking time, which its buttons carry): a tap on an older one's button names it as closed.
 * Answered by the next message only.
 */
export function reviewQuestionOf(q: { id: number; conversationId: number; files: readonly string[] }, askedAt: number, detail: string | null = null): NewQuestion {
  const words: Record<string, string> = {};
  const endings = new Map<string, number[]>();
  q.files.forEach((file, i) => {
    const parts = file.split("/");
    for (let k = 1; k < parts.length; k++) {
      const ending = normalizeTyped(parts.slice(k).join("/"));
      endings.set(ending, [...(endings.get(ending) ?? []), i]);
    }
  });
  for (const [ending, of] of endings) if (of.length === 1) words[ending] = String(of[0]);
  q.files.forEach((file, i) => (words[normalizeTyped(file)] = String(i)));
  q.files.forEach((_, i) => (words[String(i + 1)] = String(i)));
  const buttons = Object.fromEntries(reviewButtons(q.id, q.files.length).map((b, i) => [b.id, String(i)]));
  return { kind: "review_file", ref: String(q.id), conversationId: q.conversationId, words, buttons, nextMessageOnly: true, untilRun: false, askedAt, detail, expiresAt: null };
}
