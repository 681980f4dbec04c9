import { describe, expect, it } from "vitest";
import { escapeHtml, whatsappHtml } from "../../src/web/whatsapp-markup";

describe("whatsappHtml", () => {
  it.each([
    ["plain text", "hello there", "hello there"],
    ["bold", "this is *done* now", "this is <b>done</b> now"],
    ["italics", "_maybe_ later", "<i>maybe</i> later"],
    ["strike", "~wrong~ right", "<s>wrong</s> right"],
    ["nested", "*bold and _italic_*", "<b>bold and <i>italic</i></b>"],
    ["inline code, nothing formatted inside", "run `npm *test*` now", "run <code>npm *test*</code> now"],
    ["a code block", "see:\n```\nconst a = 1 < 2;\n*x*\n```\ndone", "see:\n<pre><code>const a = 1 &lt; 2;\n*x*</code></pre>\ndone"],
    ["an unclosed fence", "a ``` b", "a ``` b"],
    ["a quote", "> first\n> second\nafter", "<blockquote>first\nsecond</blockquote>after"],
    ["snake_case stays", "edit my_file_name.ts", "edit my_file_name.ts"],
    ["2*3*4 stays", "2*3*4", "2*3*4"],
    ["a lone star", "a * b", "a * b"],
    ["a link", "see https://github.com/o/r/pull/7.", 'see <a href="https://github.com/o/r/pull/7" rel="noopener noreferrer">https://github.com/o/r/pull/7</a>.'],
    ["a link with a query", "http://x.test/a?b=1&c=2", '<a href="http://x.test/a?b=1&amp;c=2" rel="noopener noreferrer">http://x.test/a?b=1&amp;c=2</a>'],
    ["a link with underscores", "https://x.test/a_b_c", '<a href="https://x.test/a_b_c" rel="noopener noreferrer">https://x.test/a_b_c</a>'],
    ["a link in bold", "*https://x.test*", '<b><a href="https://x.test" rel="noopener noreferrer">https://x.test</a></b>'],
    ["the link after ✅", "✅ CI passed: https://x.test/1", '✅ CI passed: <a href="https://x.test/1" rel="noopener noreferrer">https://x.test/1</a>'],
  ])("%s", (_name, text, html) => {
    expect(whatsappHtml(text)).toBe(html);
  });

  it.each([
    ["a script", "<script>alert(1)</script>"],
    ["an image in bold", '*<img src=x onerror="alert(1)">*'],
    ["in code", "`<b onclick=alert(1)>`"],
    ["in a code block", "```\n</code></pre><script>x</script>\n```"],
    ["in a quote", "> <iframe src=//evil>"],
    ["a link that closes its attribute", 'https://x.test/"onmouseover="alert(1)'],
    ["a link with a tag after it", "https://x.test/<script>alert(1)</script>"],
    ["a javascript: address", "javascript:alert(1) and data:text/html,<script>x</script>"],
    ["an entity", "&lt;script&gt; &amp;"],
  ])("makes no markup of the text: %s", (_name, text) => {
    const html = whatsappHtml(text);
    // Only the tags made here, and no attribute but a link's href and rel.
    const tags = html.match(/<[^>]*>/g) ?? [];
    for (const tag of tags) expect(tag).toMatch(/^<\/?(b|i|s|code|pre|blockquote)>$|^<a href="https?:\/\/[^"<>]*" rel="noopener noreferrer">$|^<\/a>$/);
    expect(html).not.toMatch(/href="(?!https?:)/);
    // What the reader sees is the text, character for character (line breaks of fences aside).
    const seen = html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    expect(seen.replace(/\s/g, "")).toBe(text.replace(/```|^> ?|\*|`/gm, "").replace(/\s/g, ""));
  });

  it("escapes every character that could open markup or close an attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});
