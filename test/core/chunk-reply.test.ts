import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WHATSAPP_MAX_CHARS, chunkReply } from "../../src/channels/whatsapp/chunk-reply";

const TICK_LINE = /^\s*```/;

/** A message's lines, those that open or close a code block marked, read as one message alone. */
function parseFences(text: string): { lines: { text: string; fence: boolean }[]; open: boolean } {
  let open: string | null = null;
  const lines = text.split("\n").map((line) => {
    if (open === null) {
      open = /^\s*(`{3,})[^`]*$/.exec(line)?.[1] ?? null;
      return { text: line, fence: open !== null };
    }
    const closing = (/^\s*(`{3,})\s*$/.exec(line)?.[1]?.length ?? 0) >= open.length;
    if (closing) open = null;
    return { text: line, fence: closing };
  });
  return { lines, open: open !== null };
}

const endsInsideFence = (part: string) => parseFences(part).open;

/** Non-whitespace content in order, fence lines left out (a split adds close/reopen lines). */
function content(text: string): string {
  return parseFences(text).lines.filter((line) => !line.fence).map((line) => line.text).join("").replace(/\s+/g, "");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("chunkReply boundaries", () => {
  it.each<[string, string, number, string[]]>([
    ["fits: one part", "short reply", 16, ["short reply"]],
    ["exactly the limit", "x".repeat(16), 16, ["x".repeat(16)]],
    ["paragraph", "First paragraph here.\n\nSecond paragraph here.", 30, ["First paragraph here.", "Second paragraph here."]],
    ["paragraph before a later line break", "aa\n\nbb\ncc\ndd ee ff g", 16, ["aa", "bb\ncc\ndd ee ff g"]],
    ["blank line with spaces is a paragraph", "one two\n  \t\nthree four", 16, ["one two", "three four"]],
    ["line", "line one\nline two\nline three", 20, ["line one\nline two", "line three"]],
    ["sentence", "First sentence. Second sentence. Third one.", 35, ["First sentence. Second sentence.", "Third one."]],
    ["sentence with closing quote", 'He said "stop." Then left quietly.', 20, ['He said "stop."', "Then left quietly."]],
    ["question and exclamation", "Really? Yes! It works fine now", 16, ["Really? Yes!", "It works fine", "now"]],
    ["word", "alpha beta gamma delta epsilon", 16, ["alpha beta gamma", "delta epsilon"]],
    ["hard split of a giant word", "x".repeat(40), 16, ["x".repeat(16), "x".repeat(16), "x".repeat(8)]],
    ["giant word after a short one", `ok ${"y".repeat(20)}`, 16, ["ok", "y".repeat(16), "yyyy"]],
    ["never between surrogate halves", "😀".repeat(10), 17, ["😀".repeat(8), "😀".repeat(2)]],
    ["emoji counted in UTF-16 units", "😀".repeat(8), 16, ["😀".repeat(8)]],
    ["empty", "", 16, []],
    ["whitespace only", " \n\t\n  ", 16, []],
    ["outer whitespace trimmed", "\n\n  hello  \n\n", 16, ["hello"]],
    ["CRLF treated as LF", "aaaa bbbb\r\n\r\ncccc dddd", 16, ["aaaa bbbb", "cccc dddd"]],
  ])("%s", (_name, text, limit, expected) => {
    expect(chunkReply(text, limit)).toEqual(expected);
  });

  it("uses WhatsApp's 1600 by default", () => {
    expect(WHATSAPP_MAX_CHARS).toBe(1600);
    expect(chunkReply("a".repeat(1600))).toHaveLength(1);
    expect(chunkReply(`${"a ".repeat(800)}b`).map((p) => p.length)).toEqual([1599, 1]);
  });

  it.each([0, 15, 16.5, Number.NaN])("refuses limit %d", (limit) => {
    expect(() => chunkReply("text", limit)).toThrow(RangeError);
  });
});

describe("chunkReply code fences", () => {
  it.each<[string, string, number, string[]]>([
    ["block moves whole to the next part", "intro\n\n```\nshort\n```", 16, ["intro", "```\nshort\n```"]],
    ["split inside: closed and reopened with the info string", "```ts\nconst a = 1;\nconst b = 2;\nconst c = 3;\n```", 36,
      ["```ts\nconst a = 1;\nconst b = 2;\n```", "```ts\nconst c = 3;\n```"]],
    ["indentation of code kept after a split", "```py\ndef f():\n    return 1\n    pass\n```", 32,
      ["```py\ndef f():\n    return 1\n```", "```py\n    pass\n```"]],
    ["blank lines in code are paragraph splits", "```\naaa bbb\n\nccc ddd\n```", 16, ["```\naaa bbb\n```", "```\nccc ddd\n```"]],
    ["unclosed fence is closed", "```sh\nnpm test", 20, ["```sh\nnpm test\n```"]],
    ["unclosed fence split and closed", "```sh\nnpm ci\nnpm test\nnpm run build", 25, ["```sh\nnpm ci\nnpm test\n```", "```sh\nnpm run build\n```"]],
    ["no split right after an opening line", "text here\n```\ncode line one", 21, ["text here", "```\ncode line one\n```"]],
    ["longer fences reopen with the same ticks", "````md\n```\nx y z w\n```\n````", 24, ["````md\n```\nx y z w\n````", "````md\n```\n````"]],
    ["a long opening line reopens as bare ticks", "```typescript-with-a-long-name\nconst a = 1;\nconst b = 2;\nconst c = 3;\n```", 50,
      ["```typescript-with-a-long-name\nconst a = 1;\n```", "```\nconst b = 2;\nconst c = 3;\n```"]],
    ["an opening line too long to fit is split in its info string", "```typescript-with-a-long-name\nconst a = 1;", 30,
      ["```typescript-with-a-long-\n```", "```name\nconst a = 1;\n```"]],
    ["backticks inside code stay content", "```\n```python\nthe end of it", 21, ["```\n```python\n```", "```\nthe end of it\n```"]],
    ["blank code too long for a part leaves an empty block", "```\n    \n\n```bash", 16, ["```\n```", "```\n```bash\n```"]],
    ["inline triple backticks are not a fence", "run ```npm test``` now and then", 20, ["run ```npm test```", "now and then"]],
    ["a word starting with ``` does not start a line", "see ```foobarbazqux", 16, ["see ```foobarbaz", "qux"]],
  ])("%s", (_name, text, limit, expected) => {
    expect(chunkReply(text, limit)).toEqual(expected);
  });
});

describe("chunkReply on degenerate input", () => {
  it.each<[string, string, number]>([
    ["a huge indentation inside code", "```\n" + " ".repeat(3000) + "x\n```", 1600],
    ["a line of backticks longer than the limit", "`".repeat(50) + "\nfoo bar", 16],
    ["an opening line of backticks longer than the limit", "`".repeat(40) + "ts\ncode", 16],
    ["a closing line longer than the limit", "```\ncode\n" + "`".repeat(40), 16],
    ["thousands of tiny paragraphs", "a\n\n".repeat(5000), 1600],
    ["one giant word", "x".repeat(100_000), 1600],
  ])("%s: ends, every part fits, nothing is lost", (_name, text, limit) => {
    const parts = chunkReply(text, limit);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(limit);
    expect(parts.join("").replace(/[\s`]/g, "")).toBe(text.replace(/[\s`]/g, ""));
  });
});

const word = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom("the", "agent", "fixed", "a", "bug", "in", "src/app.ts", "done.", "really?", "yes!", "😀", "👍🏽", "👨‍👩‍👧", "naïve", "—", "**bold**", "`x`") },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom("x", "y", "😀", "é"), minLength: 10, maxLength: 300 }) },
);
const sentence = fc.array(word, { minLength: 1, maxLength: 14 }).map((words) => words.join(" "));
const proseLine = fc.oneof(sentence, sentence.map((s) => `- ${s}`), fc.array(sentence, { minLength: 2, maxLength: 4 }).map((s) => s.join(". ")));
const paragraph = fc.array(proseLine, { minLength: 1, maxLength: 5 }).map((lines) => lines.join("\n"));
const codeLine = fc
  .tuple(fc.constantFrom("", "  ", "    ", "\t"), fc.array(fc.constantFrom("const", "x", "=", "1;", "foo(bar)", "// note", "😀", "return", ""), { maxLength: 10 }))
  .map(([indent, tokens]) => indent + tokens.join(" "));
const fence = fc
  .tuple(fc.constantFrom("", "ts", "bash", "python"), fc.array(fc.oneof(codeLine, word), { maxLength: 12 }), fc.boolean())
  .map(([info, lines, closed]) => ["```" + info, ...lines, ...(closed ? ["```"] : [])].join("\n"));
const document = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: paragraph }, { weight: 1, arbitrary: fence }), { minLength: 1, maxLength: 8 }), fc.constantFrom("\n\n", "\n", "\n \n\n"))
  .map(([blocks, separator]) => blocks.join(separator));
const limit = fc.oneof(fc.integer({ min: 16, max: 120 }), fc.integer({ min: 121, max: WHATSAPP_MAX_CHARS }));

/** True when every line of backticks opens or closes a block (none is code content). */
function ticksOnlyAsFences(text: string): boolean {
  let inside = false;
  for (const line of text.split("\n")) {
    if (!TICK_LINE.test(line)) continue;
    if (inside !== /^\s*```\s*$/.test(line)) return false;
    inside = !inside;
  }
  return true;
}

describe("chunkReply properties", () => {
  it("every part fits, is non-empty, has no broken surrogate and no open fence", () => {
    fc.assert(
      fc.property(document, limit, (text, max) => {
        const evenTicks = ticksOnlyAsFences(text);
        for (const part of chunkReply(text, max)) {
          expect(part.length).toBeLessThanOrEqual(max);
          expect(part.trim()).not.toBe("");
          expect(part).not.toMatch(LONE_SURROGATE);
          expect(endsInsideFence(part)).toBe(false);
          if (evenTicks) expect(part.split("\n").filter((line) => TICK_LINE.test(line)).length % 2).toBe(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps all the text, in order", () => {
    fc.assert(
      fc.property(document, limit, (text, max) => {
        expect(chunkReply(text, max).map(content).join("")).toBe(content(text));
      }),
      { numRuns: 500 },
    );
  });

  it("returns the text itself when it fits and its fences are closed", () => {
    fc.assert(
      fc.property(document, (text) => {
        const trimmed = text.trim();
        fc.pre(trimmed.length <= WHATSAPP_MAX_CHARS && !endsInsideFence(trimmed));
        expect(chunkReply(text)).toEqual([trimmed]);
      }),
    );
  });

  it("splits inside a word only when the word cannot fit in a part", () => {
    // Inside code a part also carries its opening line, indentation and closing line.
    const overhead = (text: string) => (text.includes("```") ? 20 : 0);
    fc.assert(
      fc.property(document, fc.integer({ min: 40, max: 400 }), (text, max) => {
        const words = text.split(/\s+/);
        for (const piece of chunkReply(text, max).flatMap((part) => part.split(/\s+/))) {
          if (TICK_LINE.test(piece) || words.includes(piece)) continue;
          expect(words.some((w) => w.includes(piece) && w.length > max - overhead(text))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
