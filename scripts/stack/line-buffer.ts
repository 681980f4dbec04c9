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

export function prefixed(prefix: string, line: string): string {
  return line === "" ? prefix : `${prefix} ${line}`;
}
