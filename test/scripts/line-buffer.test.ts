// Output chunks become whole prefixed lines, however the chunks split them.
import { expect, it } from "vitest";
import { flushLines, prefixed, takeLines, type LineBuffer } from "../../scripts/stack/line-buffer";

it.each([
  ["one chunk, two lines", ["a\nb\n"], ["a", "b"]],
  ["a line split across chunks", ["hel", "lo\nwor", "ld\n"], ["hello", "world"]],
  ["CRLF", ["a\r\nb\r\n"], ["a", "b"]],
  ["a last line without newline is flushed", ["a\nb"], ["a", "b"]],
  ["empty lines are kept", ["a\n\nb\n"], ["a", "", "b"]],
  ["nothing", [""], []],
])("%s", (_name, chunks, expected) => {
  const buffer: LineBuffer = { pending: "" };
  const lines = chunks.flatMap((chunk) => takeLines(buffer, chunk));
  expect([...lines, ...flushLines(buffer)]).toEqual(expected);
  expect(buffer.pending).toBe("");
});

it("prefixes a line, and an empty line is the prefix alone", () => {
  expect(prefixed("[vm]    ", "listening")).toBe("[vm]     listening");
  expect(prefixed("[vm]", "")).toBe("[vm]");
});
