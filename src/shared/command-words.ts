// Splitting a command's arguments, shared by every command parser, and what a parser answers for
// arguments it cannot take.

/** Arguments a command cannot take: the reason is the reply. */
export type InvalidCommand = { type: "invalid"; reason: string };

/** Splits the first whitespace-separated word off `text`. */
export function firstWord(text: string): [string, string] {
  const trimmed = text.trim();
  const end = trimmed.search(/\s/);
  return end === -1 ? [trimmed, ""] : [trimmed.slice(0, end), trimmed.slice(end).trim()];
}
