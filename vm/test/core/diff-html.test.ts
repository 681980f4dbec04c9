// The diff's HTML for the private page: diff2html's rows, code and file names as text (a diff
// holding markup draws it, never runs it), only the protocol's allowlisted markup, `.env`
// sections as keys, and the line cap with its note.
import { describe, expect, it } from "vitest";
import { DiffHtmlSchema, isSafeDiffHtml } from "../../../src/protocol/vm/changes";
import { diffToHtml } from "../../src/core/diff-html";

const fileDiff = (path: string, removed: string[], added: string[]) =>
  [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, `@@ -1,${removed.length} +1,${added.length} @@`, ...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)].join("\n") + "\n";

const MARKUP = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">', '<div style="color:red" onclick=go()>'];

describe("diffToHtml", () => {
  it("draws added and removed rows with file headers and line numbers", () => {
    const html = diffToHtml(fileDiff("src/app.ts", ["const a = 1;"], ["const a = 2;", "const b = 3;"]))!;
    expect(html).toContain('<span class="d2h-file-name">src/app.ts</span>');
    expect(html.match(/<td class="d2h-ins[^"]*">/g)).toHaveLength(2);
    expect(html.match(/<td class="d2h-del[^"]*">/g)).toHaveLength(1);
    expect(html).toContain('<div class="line-num2">2</div>');
    // Indentation is the code's, kept; the templates' own is gone.
    expect(diffToHtml(fileDiff("a.py", [], ["    return 1"]))).toContain(">    return 1</span>");
    expect(html).not.toContain("\n");
  });

  it("shows code and file names holding markup as text: no tag, handler or style of theirs survives", () => {
    const html = diffToHtml(fileDiff("<img src=x onerror=alert(1)>.html", [MARKUP[0]!], MARKUP.slice(1)))!;
    expect(html).not.toMatch(/<script|<img|<div style/i);
    expect(html).toContain('<span class="d2h-file-name">&lt;img src=x onerror=alert(1)&gt;.html</span>');
    expect(html).toContain("&lt;div style=&quot;color:red&quot; onclick=go()&gt;");
    // Every tag is diff2html's, with its own attributes only (handlers and styles above are text).
    expect(isSafeDiffHtml(html)).toBe(true);
    expect(DiffHtmlSchema.safeParse(html).success).toBe(true);
  });

  it("leaves out diff2html's viewer controls and icons: no input, label, svg or id", () => {
    const html = diffToHtml(fileDiff("a.txt", ["x"], ["y"]))!;
    expect(html).not.toMatch(/<input|<label|<svg| id=/);
  });

  it("writes .env sections as the keys that changed, and the 2 MiB note as text", () => {
    const diff = `${fileDiff("a.txt", ["x"], ["y"])}diff --git a/.env b/.env\n# .env: values hidden; keys that changed:\n# + API_KEY (added)\n# ~ DB_URL (value changed)\n# - OLD (removed)\n[diff cut at 2048 KiB: 12 more lines not shown]\n`;
    const html = diffToHtml(diff)!;
    expect(html).toContain('<span class="d2h-file-name">.env</span>');
    expect(html).toContain('<div class="d2h-code-line d2h-ins">+ API_KEY (added)</div>');
    expect(html).toContain('<div class="d2h-code-line d2h-del">- OLD (removed)</div>');
    expect(html).toContain('<p class="d2h-cut">diff cut at 2048 KiB: 12 more lines not shown</p>');
    expect(html).not.toContain("File without changes");
  });

  it("draws the first lines only and counts the rest", () => {
    const diff = fileDiff("big.txt", [], Array.from({ length: 50 }, (_, i) => `line ${i}`));
    const html = diffToHtml(diff, 20)!;
    // 4 header lines, then 16 of the 50 added lines.
    expect(html.match(/<td class="d2h-ins">/g)).toHaveLength(16);
    expect(html).toContain('<p class="d2h-cut">34 more lines of this diff are not shown here.</p>');
    expect(diffToHtml(diff)).not.toContain("d2h-cut");
  });

  it("is null for an empty diff", () => {
    expect(diffToHtml("")).toBeNull();
  });
});

describe("isSafeDiffHtml", () => {
  const cases: [string, boolean][] = [
    ['<div class="d2h-file-wrapper" data-lang="ts"><span class="d2h-code-line-ctn">a &lt;b&gt;</span></div>', true],
    ['<p class="d2h-cut">3 more</p>', true],
    ["<script>alert(1)</script>", false],
    ['<img src="x">', false],
    ['<div style="color:red">', false],
    ['<div class="a" onclick="x()">', false],
    ['<div class="a"onclick="x()">', false],
    ["<div onmouseover=x>", false],
    ['<a href="javascript:x">', false],
    ["text < more", false],
    ['<svg><path d="M0"></path></svg>', false],
  ];
  for (const [html, safe] of cases) it(`${safe ? "allows" : "refuses"} ${html}`, () => expect(isSafeDiffHtml(html)).toBe(safe));
});
