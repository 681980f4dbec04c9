// Splitting a command's arguments, shared by every command parser.

/** Splits the first whitespace-separated word off `text`. */
export function firstWord(text: string): [string, string] {
  const trimmed = text.trim();
  const end = trimmed.search(/\s/);
  return end === -1 ? [trimmed, ""] : [trimmed.slice(0, end), trimmed.slice(end).trim()];
}
