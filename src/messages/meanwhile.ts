// What a run of someone else's text (an event) did, told to the user's own session: it worked in a
// fork of that session, so the user's next run hears of it in one line per such run, before the
// user's words ("(Meanwhile a run started by acme/api#12 issue did: Fixed the crash in start.)").
// Only the first line of its reply, flattened and cut: a summary, not a way in for its text. Pure.
import { oneLineOf } from "./stranger-quote";

const MAX_LINE_CHARS = 200;

/** The line a forked run leaves for the conversation's next run of the user's own. */
export function meanwhileLine(label: string, reply: string): string {
  const first = reply.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const did = first === "" ? "ended without a reply" : `did: ${oneLineOf(first, MAX_LINE_CHARS)}`;
  return `(Meanwhile a run started by ${oneLineOf(label, 80)} ${did})`;
}

/** The run's input with those lines before its first message's text; unchanged when there are none. */
export function withMeanwhile<T extends { text: string }>(input: readonly T[], lines: readonly string[]): T[] {
  const [first, ...rest] = input;
  if (!first || lines.length === 0) return [...input];
  return [{ ...first, text: `${lines.join("\n")}\n\n${first.text}` }, ...rest];
}
