import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatForWhatsApp } from "../../src/channels/whatsapp/format";

describe("formatForWhatsApp", () => {
  it.each([
    ["bold **", "a **bold** word", "a *bold* word"],
    ["bold __", "a __bold__ word", "a *bold* word"],
    ["italic *", "an *italic* word", "an _italic_ word"],
    ["italic _", "an _italic_ word", "an _italic_ word"],
    ["bold italic", "***both*** and ___both___", "*_both_* and *_both_*"],
    ["italic inside bold", "**bold with *italic* inside**", "*bold with _italic_ inside*"],
    ["bold inside italic", "*italic with **bold** inside*", "_italic with *bold* inside_"],
    ["strikethrough", "~~gone~~ and ~single~", "~gone~ and ~single~"],
    ["several on a line", "**a** then *b* then ~~c~~", "*a* then _b_ then ~c~"],
    ["bold before punctuation", "**Note:** read this.", "*Note:* read this."],
    ["heading 1", "# Title", "*Title*"],
    ["heading 3 with closing hashes", "### Sub title ###", "*Sub title*"],
    ["heading with bold inside", "## The **main** point", "*The main point*"],
    ["heading with italic inside", "## A *subtle* point", "*A _subtle_ point*"],
    ["hashtag is not a heading", "#hashtag here", "#hashtag here"],
    ["bullet -", "- item one", "• item one"],
    ["bullet *", "* item two", "• item two"],
    ["bullet +", "+ item three", "• item three"],
    ["nested bullet keeps indent", "  - nested **b**", "  • nested *b*"],
    ["numbered list untouched", "1. first\n2. second", "1. first\n2. second"],
    ["link", "see [the docs](https://example.com/docs) now", "see the docs (https://example.com/docs) now"],
    ["link with same label", "[https://example.com](https://example.com)", "https://example.com"],
    ["link labelled with its host", "[example.com](https://example.com)", "https://example.com"],
    ["link with title", '[docs](https://x.io/a "Docs")', "docs (https://x.io/a)"],
    ["link with parentheses", "[wiki](https://en.wikipedia.org/wiki/Foo_(bar))", "wiki (https://en.wikipedia.org/wiki/Foo_(bar))"],
    ["bold link label", "[**Docs**](https://x.io)", "*Docs* (https://x.io)"],
    ["image", "![a cat](https://x.io/cat.png)", "a cat (https://x.io/cat.png)"],
    ["image without alt", "![](https://x.io/cat.png)", "https://x.io/cat.png"],
    ["autolink", "<https://x.io/a_b_>", "https://x.io/a_b_"],
    ["URL with markers untouched", "https://x.io/*a*/__init__ and more", "https://x.io/*a*/__init__ and more"],
    ["link URL with markers untouched", "[x](https://x.io/*a*)", "x (https://x.io/*a*)"],
    ["snake_case untouched", "call my_var_name now", "call my_var_name now"],
    ["intraword double underscore untouched", "my__dunder__name", "my__dunder__name"],
    ["dunder as CommonMark reads it", "edit __init__.py", "edit *init*.py"],
    ["multiplication untouched", "2*3*4 and 2 * 3 * 4", "2*3*4 and 2 * 3 * 4"],
    ["lone markers untouched", "a * b and c _ d and ~~ e", "a * b and c _ d and ~~ e"],
    ["escaped markers are literal", String.raw`\*not italic\* and a\_b`, "*not italic* and a_b"],
    ["horizontal rule untouched", "***\n---\n___", "***\n---\n___"],
    ["blockquote kept", "> **quoted**", "> *quoted*"],
    ["emoji survive", "**🎉 done** 👍🏽", "*🎉 done* 👍🏽"],
    ["CRLF line endings", "**a**\r\n- b", "*a*\n• b"],
    ["empty", "", ""],
    ["plain text unchanged", "Hello, world. Nothing to do here!", "Hello, world. Nothing to do here!"],
  ])("%s", (_name, markdown, expected) => {
    expect(formatForWhatsApp(markdown)).toBe(expected);
  });
});

describe("nothing changes inside code", () => {
  it.each([
    ["inline code", "use `**x**` and `a_b_c` or `[t](u)`", "use `**x**` and `a_b_c` or `[t](u)`"],
    ["inline code next to bold", "**run** `npm *test*`", "*run* `npm *test*`"],
    ["bold around inline code", "**run `x` now**", "*run `x` now*"],
    ["double-backtick span", "``a ` **b**`` then **c**", "``a ` **b**`` then *c*"],
    ["WhatsApp-style inline monospace", "type ```**raw**``` here", "type ```**raw**``` here"],
    ["fenced block", "**before**\n```ts\nconst a = **b** * c; // _x_\n# not a heading\n- not a bullet\n```\n**after**",
      "*before*\n```ts\nconst a = **b** * c; // _x_\n# not a heading\n- not a bullet\n```\n*after*"],
    ["tilde fence", "~~~\n**kept**\n~~~\n**b**", "~~~\n**kept**\n~~~\n*b*"],
    ["longer fence needs a long enough close", "````\n```\n**kept**\n````\n**b**", "````\n```\n**kept**\n````\n*b*"],
    ["unclosed fence runs to the end", "intro\n```\n**kept**\n[t](u)", "intro\n```\n**kept**\n[t](u)"],
    ["indented fence", "- list\n  ```\n  **kept**\n  ```\n- **b**", "• list\n  ```\n  **kept**\n  ```\n• *b*"],
  ])("%s", (_name, markdown, expected) => {
    expect(formatForWhatsApp(markdown)).toBe(expected);
  });

  it("keeps every fenced block byte for byte, whatever is around it", () => {
    const code = fc.array(fc.string({ unit: "grapheme" }).filter((l) => !l.includes("`") && !l.includes("\n") && !l.includes("\r")), { maxLength: 5 });
    const prose = fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !s.includes("`") && !s.includes("~~~") && !s.includes("\r"));
    fc.assert(
      fc.property(prose, code, prose, (before, lines, after) => {
        const block = ["```sh", ...lines, "```"].join("\n");
        const result = formatForWhatsApp(`${before}\n${block}\n${after}`);
        expect(result).toContain(`\n${block}\n`);
      }),
    );
  });

  it("never throws and keeps the line count", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const expectedLines = text.replace(/\r\n/g, "\n").split("\n").length;
        expect(formatForWhatsApp(text).split("\n")).toHaveLength(expectedLines);
      }),
    );
  });
});
