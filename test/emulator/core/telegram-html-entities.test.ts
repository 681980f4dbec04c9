import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../emulator/telegram/core/html-entities";

describe("parseTelegramHtml: as the Bot API reads parse_mode HTML", () => {
  it.each([
    ["plain", "hello", "hello", []],
    ["named entities", "&lt;a&gt; &amp; &quot;", '<a> & "', []],
    ["numeric entities", "&#65;&#x42;", "AB", []],
    ["a bare & or unknown entity is kept", "a & b &nbsp;", "a & b &nbsp;", []],
    ["bold and its synonyms", "<b>a</b><strong>b</strong>", "ab", [{ type: "bold", offset: 0, length: 1 }, { type: "bold", offset: 1, length: 1 }]],
    ["nested", "<b>a <i>b</i></b>", "a b", [{ type: "bold", offset: 0, length: 3 }, { type: "italic", offset: 2, length: 1 }]],
    ["a link", '<a href="https://x.io/?a=1&amp;b=2">x</a>', "x", [{ type: "text_link", offset: 0, length: 1, url: "https://x.io/?a=1&b=2" }]],
    ["pre with a language", '<pre><code class="language-ts">x</code></pre>', "x", [{ type: "pre", offset: 0, length: 1, language: "ts" }]],
    ["pre without", "<pre>x</pre>", "x", [{ type: "pre", offset: 0, length: 1 }]],
    ["pre with a plain code inside", "<pre><code>x</code></pre>", "x", [{ type: "pre", offset: 0, length: 1 }]],
    ["inline code", "a <code>b</code>", "a b", [{ type: "code", offset: 2, length: 1 }]],
    ["UTF-16 offsets", "😀<b>x</b>", "😀x", [{ type: "bold", offset: 2, length: 1 }]],
    ["an empty element makes no entity", "<b></b>x", "x", []],
  ])("%s", (_, html, text, entities) => {
    expect(parseTelegramHtml(html)).toEqual({ ok: true, text, entities });
  });

  it.each([
    ["an unknown tag", "<div>x</div>", /Unsupported start tag "div"/],
    ["an unclosed tag", "<b>x", /Can't find end tag corresponding to start tag "b"/],
    ["crossed tags", "<b><i>x</b></i>", /Unmatched end tag/],
    ["a stray <", "a < b", /Unsupported start tag|Unclosed start tag/],
    ["a link without href", "<a>x</a>", /Can't find "href"/],
  ])("refuses %s", (_, html, detail) => {
    const parsed = parseTelegramHtml(html);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.detail).toMatch(detail);
  });
});

describe("the relay's Telegram HTML is what the Bot API reads", () => {
  it("every part the relay sends parses, shows at most 4096 characters, and shows what the formatter meant", async () => {
    const fc = (await import("fast-check")).default;
    const { formatTelegramHtml } = await import("../../../src/channels/telegram/html-format");
    const { splitTelegramHtml, visibleText } = await import("../../../src/channels/telegram/split-html");
    const fragments = ["a", "word", " ", "\n", "\n\n", "**", "*", "_", "`", "```", "```ts\n", "\n```\n", "<", ">", "&", "&amp;", '"', "# ", "- ", "[l](https://x.io/a_b?c=1&d=2)", "😀"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 400 }), fc.integer({ min: 150, max: 4096 }), (pieces, limit) => {
        for (const part of splitTelegramHtml(formatTelegramHtml(pieces.join("")), limit)) {
          const parsed = parseTelegramHtml(part);
          expect(parsed.ok).toBe(true);
          if (parsed.ok) {
            expect(parsed.text.length).toBeLessThanOrEqual(4096);
            expect(parsed.text).toBe(visibleText(part));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
