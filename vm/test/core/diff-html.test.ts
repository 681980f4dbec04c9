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

  it("names each code row's anchor for a review comment: its file, its side and its number there; each file header its file", () => {
    const diff = `${fileDiff("src/add.js", ["b"], ["c", ""])}diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n`;
    const html = diffToHtml(diff)!;
    const anchors = [...html.matchAll(/<tr data-file="([^"]*)" data-side="([^"]*)" data-line="([^"]*)">/g)].map((m) => m.slice(1).join(" "));
    // The deleted line on the old side; the added ones (an empty one too) on the new; a deleted file by its old path.
    expect(anchors).toEqual(["src/add.js old 1", "src/add.js new 1", "src/add.js new 2", "gone.txt old 1"]);
    expect(html).toContain('<div class="d2h-file-header" data-file="src/add.js" data-side="file">');
    expect(html).toContain('<div class="d2h-file-header" data-file="gone.txt" data-side="file">');
    // An unchanged line is anchored on the new side, by its new number.
    expect(diffToHtml("diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -4,2 +5,2 @@\n same\n-x\n+y\n")).toContain('<tr data-file="a.txt" data-side="new" data-line="5">');
    expect(diffToHtml(`${fileDiff(".env", [], [])}`.replace(/@@.*\n/, "# .env: values hidden; keys that changed:\n# + KEY (added)\n"))).toContain('data-file=".env" data-side="file"');
  });

  it("keeps a path holding markup or quotes as text in its anchor", () => {
    const html = diffToHtml(fileDiff('a"b<c>.txt', [], ["x"]))!;
    expect(html).toContain('data-file="a&quot;b&lt;c&gt;.txt" data-side="new" data-line="1"');
    expect(isSafeDiffHtml(html)).toBe(true);
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
    ['<tr data-file="src/a.ts" data-side="new" data-line="12">', true],
    ['<div class="d2h-file-header" data-file="a &amp; b.ts" data-side="file">', true],
    ['<tr data-file="a.ts" data-side="left" data-line="1">', false],
    ['<tr data-file="a.ts" data-side="new" data-line="0">', false],
    ['<tr data-file="a.ts" data-side="new" data-line="1x">', false],
    ['<tr data-file="" data-side="new">', false],
    ['<tr data-review="x">', false],
  ];
  for (const [html, safe] of cases) it(`${safe ? "allows" : "refuses"} ${html}`, () => expect(isSafeDiffHtml(html)).toBe(safe));
});
