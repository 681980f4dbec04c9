// Turns a child's output chunks into whole lines, so every line can carry its source's prefix
// even when a line arrives split across chunks. Pure.

export type LineBuffer = { pending: string };

export function takeLines(buffer: LineBuffer, chunk: string): string[] {
  const parts = (buffer.pending + chunk).split("\n");
  buffer.pending = parts.pop() ?? "";
  return parts.map((line) => line.replace(/\r$/, ""));
}

/** What is left when the stream ends: a last line without a newline, if any. */
export function flushLines(buffer: LineBuffer): string[] {
  const rest = buffer.pending.replace(/\r$/, "");
  buffer.pending = "";
  return rest === "" ? [] : [rest];
}

/** Every child's prefix (`[vm]`) is padded to this width, so that their lines start in one column. */
const PREFIX_WIDTH = "[worker]".length;

export function prefixOf(name: string): string {
  return `[${name}]`.padEnd(PREFIX_WIDTH);
}

export function prefixed(prefix: string, line: string): string {
  return line === "" ? prefix : `${prefix} ${line}`;
}

/** A prefixed line taken apart again: the child's name, the prefix with its padding and space, and the child's own text (its indentation kept). */
export function unprefixed(line: string): { source: string; prefix: string; text: string } | null {
  const source = /^\[(\w+)\]/.exec(line)?.[1];
  if (source === undefined) return null;
  const width = prefixOf(source).length + 1;
  return { source, prefix: line.slice(0, width), text: line.slice(width) };
}
