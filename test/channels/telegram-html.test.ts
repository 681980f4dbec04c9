import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, formatTelegramHtml } from "../../src/channels/telegram/html-format";
import { splitTelegramHtml, TELEGRAM_MAX_CHARS, tokenizeHtml, visibleText } from "../../src/channels/telegram/split-html";

/** The tags Telegram's HTML mode takes that the formatter writes. */
const ALLOWED_TAGS = new Set(["b", "i", "s", "code", "pre", "a"]);

/** Whether every tag closes the last one opened, and all are closed at the end. */
function balanced(html: string): boolean {
  const stack: string[] = [];
  for (const token of tokenizeHtml(html)) {
    if (token.kind === "open") stack.push(token.name);
    else if (token.kind === "close" && stack.pop() !== token.name) return false;
  }
  return stack.length === 0;
}

/** No `<`, `>` or `&` outside a tag or one of the entities Telegram reads. */
function escapedOutsideTags(html: string): boolean {
  const stripped = html.replace(/<\/?(b|i|s|code|pre|a)(\s[^>]*)?>/g, "").replace(/&(amp|lt|gt|quot);/g, "");
  return !/[<>&]/.test(stripped) && tokenizeHtml(html).every((t) => t.kind === "text" || ALLOWED_TAGS.has(t.name));
}

/** Whether `joined` is `whole` with nothing but some whitespace left out. */
function lessOnlyWhitespace(joined: string, whole: string): boolean {
  let j = 0;
  for (const char of whole) {
    if (joined.startsWith(char, j)) j += char.length;
    else if (!/\s/.test(char)) return false;
  }
  return j === joined.length;
}

describe("formatTelegramHtml", () => {
  it.each([
    ["plain text", "hello world", "hello world"],
    ["escapes <, > and &", "a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"],
    ["an entity typed by the user is shown, not read", "&amp; &lt;", "&amp;amp; &amp;lt;"],
    ["bold", "a **bold** word", "a <b>bold</b> word"],
    ["bold with underscores", "__bold__", "<b>bold</b>"],
    ["italic", "an *italic* and _other_ word", "an <i>italic</i> and <i>other</i> word"],
    ["nested emphasis", "**a *b* c**", "<b>a <i>b</i> c</b>"],
    ["strike", "~~gone~~", "<s>gone</s>"],
    ["snake_case and arithmetic stay", "snake_case_name 2*3*4", "snake_case_name 2*3*4"],
    ["inline code is escaped and not emphasised", "run `a<b> **x**` now", "run <code>a&lt;b&gt; **x**</code> now"],
    ["double-backtick code", "``a`b``", "<code>a`b</code>"],
    ["backslash escapes", String.raw`\*not\* \<b\>`, "*not* &lt;b&gt;"],
    ["heading", "## Plan **now**", "<b>Plan now</b>"],
    ["bullet", "- one\n* two", "• one\n• two"],
    ["link", "[docs](https://x.io/a_b?q=1&r=2)", '<a href="https://x.io/a_b?q=1&amp;r=2">docs</a>'],
    ["link with a quote in its target", '[x](https://x.io/"a)', '<a href="https://x.io/&quot;a">x</a>'],
    ["a bare URL is not emphasised", "see https://x.io/a_b_c.", "see https://x.io/a_b_c."],
    ["a javascript: link stays text", "[x](javascript:alert(1))", "[x](javascript:alert(1))"],
    ["code block with a language", "```ts\nif (a < b) {}\n```", '<pre><code class="language-ts">if (a &lt; b) {}</code></pre>'],
    ["code block without a language", "```\n**x**\n```", "<pre><code>**x**</code></pre>"],
    ["tilde fence", "~~~\n<x>\n~~~", "<pre><code>&lt;x&gt;</code></pre>"],
    ["an odd language is left out", "```a\"b\ncode\n```", "<pre><code>code</code></pre>"],
    ["an unclosed fence is closed at the end", "text\n```py\nx = 1", 'text\n<pre><code class="language-py">x = 1</code></pre>'],
    ["a shorter fence does not close a longer one", "````\n```\n````", "<pre><code>```</code></pre>"],
    ["CRLF", "a\r\n**b**", "a\n<b>b</b>"],
  ])("%s", (_, markdown, html) => {
    expect(formatTelegramHtml(markdown)).toBe(html);
  });

  it("escapeHtml escapes the three characters Telegram requires", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe(`&lt;a href="x"&gt;&amp;&lt;/a&gt;`);
  });
});

describe("splitTelegramHtml", () => {
  it("leaves a message that fits whole", () => {
    expect(splitTelegramHtml("<b>hi</b> there")).toEqual(["<b>hi</b> there"]);
  });

  it("splits at a blank line before a line, at a line before a word", () => {
    const paragraphs = `${"a".repeat(30)}\n\n${"b".repeat(30)}\n${"c".repeat(30)}`;
    expect(splitTelegramHtml(paragraphs, 70)).toEqual([`${"a".repeat(30)}\n\n`, `${"b".repeat(30)}\n${"c".repeat(30)}`]);
    const lines = `${"a".repeat(30)} ${"b".repeat(10)}\n${"c".repeat(30)}`;
    expect(splitTelegramHtml(lines, 60)).toEqual([`${"a".repeat(30)} ${"b".repeat(10)}\n`, "c".repeat(30)]);
    expect(splitTelegramHtml("one two three four", 10)).toEqual(["one two ", "three four"]);
  });

  it("splits a word longer than a part anywhere, but never an entity or a surrogate pair", () => {
    expect(splitTelegramHtml("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(splitTelegramHtml("ab&amp;cd", 5)).toEqual(["ab", "&amp;", "cd"]);
    expect(splitTelegramHtml("a😀b", 2)).toEqual(["a", "😀", "b"]);
  });

  it("closes a code block at the end of a part and reopens it, with its language, in the next", () => {
    const code = Array.from({ length: 400 }, (_, i) => `const line${i} = ${i} < 10 && true;`).join("\n");
    const html = formatTelegramHtml(`Here:\n\`\`\`ts\n${code}\n\`\`\`\nDone.`);
    const parts = splitTelegramHtml(html);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
      expect(balanced(part)).toBe(true);
    }
    for (const part of parts.slice(1, -1)) expect(part.startsWith('<pre><code class="language-ts">')).toBe(true);
    for (const part of parts.slice(0, -1)) expect(part.endsWith("</code></pre>")).toBe(true);
    // Lines are whole: every split falls at the end of one.
    for (const part of parts.slice(0, -1)) expect(visibleText(part).endsWith("\n")).toBe(true);
    expect(parts.map(visibleText).join("")).toBe(visibleText(html));
  });

  it("a hard split inside elements leaves room for their closing tags", () => {
    const html = `<b><i>${"x".repeat(60)}</i></b>`;
    // 20 = <b><i> (6) + six characters + </i></b> (8).
    expect(splitTelegramHtml(html, 20)).toEqual(Array(10).fill("<b><i>xxxxxx</i></b>"));
  });

  it("ends a bold run at a split and reopens it", () => {
    expect(splitTelegramHtml("<b>one two three</b>", 16)).toEqual(["<b>one two </b>", "<b>three</b>"]);
  });

  it("drops a part that would show only whitespace", () => {
    expect(splitTelegramHtml(`a${" ".repeat(20)}b`, 5)).toEqual(["a    ", " b"]);
  });

  it("refuses a limit that leaves no room between the open tags", () => {
    expect(() => splitTelegramHtml(`<pre><code class="language-ts">${"x".repeat(50)}</code></pre>`, 40)).toThrow(RangeError);
  });
});

/** Markdown-ish text made of the pieces that matter to the formatter and the splitter. */
const FRAGMENTS = ["a", "word", "x".repeat(40), "é", "😀", " ", "  ", "\n", "\n\n", "**", "*", "_", "__", "~~", "`", "```", "\n```ts\n", "\n```\n", "\n```\n", "<", ">", "&", "&amp;", '"', "\\", "# ", "- ", "[l](https://x.io/a_b)", "https://e.com/x_y"];
const markdownish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 300 }).map((parts) => parts.join(""));

/** Text with few places to split: long runs inside code blocks and emphasis. */
const dense = fc
  .tuple(fc.constantFrom("```ts\n", "**", "`", "~~", ""), fc.array(fc.constantFrom("x", "yy", "&", "<", ">", "😀", "é", "_"), { minLength: 1, maxLength: 400 }))
  .map(([marker, body]) => (marker === "```ts\n" ? `${marker}${body.join("")}\n\`\`\`` : `${marker}${body.join("")}${marker.trim()}`));

describe("formatting and splitting, for any text", () => {
  it("dense text: every part fits, has balanced tags, and the parts rejoin to the text", () => {
    fc.assert(
      fc.property(dense, fc.integer({ min: 60, max: 200 }), (markdown, limit) => {
        const html = formatTelegramHtml(markdown);
        const parts = splitTelegramHtml(html, limit);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(balanced(part)).toBe(true);
        }
        expect(parts.map(visibleText).join("")).toBe(visibleText(html));
      }),
      { numRuns: 300 },
    );
  });

  it("the HTML has balanced tags and nothing unescaped", () => {
    fc.assert(
      fc.property(markdownish, (markdown) => {
        const html = formatTelegramHtml(markdown);
        expect(balanced(html)).toBe(true);
        expect(escapedOutsideTags(html)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("every part fits, has balanced tags, and the parts rejoin to the text", () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 120, max: 400 }), (markdown, limit) => {
        const html = formatTelegramHtml(markdown);
        const parts = splitTelegramHtml(html, limit);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(balanced(part)).toBe(true);
          expect(escapedOutsideTags(part)).toBe(true);
          expect(visibleText(part).trim()).not.toBe("");
        }
        const joined = parts.map(visibleText).join("");
        expect(lessOnlyWhitespace(joined, visibleText(html))).toBe(true);
        // Whitespace goes only with a part that would have shown nothing else.
        if (!/\s{20,}/.test(visibleText(html))) expect(joined.trim()).toBe(visibleText(html).trim());
      }),
      { numRuns: 400 },
    );
  });
});
