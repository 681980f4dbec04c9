// A chat reply read as a comment on a change: which texts name lines, which lines a change has
// (new side, or old for a deleted line), and comment, ambiguous or not a comment, by table.
import { describe, expect, it } from "vitest";
import { changeLinesOf } from "../../src/changes/change-lines";
import { lineReferencesOf, readReviewReply, type ReviewReading } from "../../src/changes/review-reply";
import { reviewMessageForAgent } from "../../src/protocol/review-comments";

const DIFF = `diff --git a/src/add.js b/src/add.js
index 1111111..2222222 100644
--- a/src/add.js
+++ b/src/add.js
@@ -10,4 +10,4 @@ export function add(a, b) {
 const first = 1;
-const oldName = 2;
+const newName = 2;
 return a + b;
 }
diff --git a/lib/add.js b/lib/add.js
--- a/lib/add.js
+++ b/lib/add.js
@@ -1,3 +1,12 @@
 one
+two
+three
+four
+five
+six
+seven
+eight
+nine
+ten
 eleven
 twelve
diff --git a/.env b/.env
# .env: values hidden; keys that changed:
# + TOKEN (added)
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-bye
-for good
diff --git a/docs/my notes.md b/docs/my notes.md
new file mode 100644
--- /dev/null
+++ b/docs/my notes.md	
@@ -0,0 +1 @@
+hello
\\ No newline at end of file
[diff cut at 2048 KiB: 40 more lines not shown]
`;

const files = changeLinesOf(DIFF);
const change = { label: "the run for “fix add”", files };

describe("changeLinesOf", () => {
  it("numbers each file's lines per side: added and context on the new side, deleted on the old; no hunk, no file", () => {
    expect(files.map((f) => f.path)).toEqual(["src/add.js", "lib/add.js", "gone.txt", "docs/my notes.md"]);
    const add = files[0]!;
    expect([...add.new]).toEqual([[10, "const first = 1;"], [11, "const newName = 2;"], [12, "return a + b;"], [13, "}"]]);
    expect([...add.old]).toEqual([[11, "const oldName = 2;"]]);
    expect(files[1]!.new.get(12)).toBe("twelve");
    expect([...files[2]!.new]).toEqual([]);
    expect([...files[2]!.old]).toEqual([[1, "bye"], [2, "for good"]]);
    expect([...files[3]!.new]).toEqual([[1, "hello"]]);
  });

  it("an empty or unreadable diff has no lines", () => {
    expect(changeLinesOf("")).toEqual([]);
    expect(changeLinesOf("diff --git a/x b/x\nBinary files a/x and b/x differ\n")).toEqual([]);
  });
});

describe("lineReferencesOf", () => {
  it.each([
    ["line 12: keep the old name", [{ path: null, line: 12, body: "keep the old name" }]],
    ["Line 3 : no", [{ path: null, line: 3, body: "no" }]],
    ["add.js:12 keep it", [{ path: "add.js", line: 12, body: "keep it" }]],
    ["src/add.js:12: keep it", [{ path: "src/add.js", line: 12, body: "keep it" }]],
    ["./src/add.js:12 keep it", [{ path: "src/add.js", line: 12, body: "keep it" }]],
    ["Makefile:4 tabs", [{ path: "Makefile", line: 4, body: "tabs" }]],
    ["add.js:11 one\nmore of it\nline 12: two", [{ path: "add.js", line: 11, body: "one\nmore of it" }, { path: null, line: 12, body: "two" }]],
    ["add.js:12", [{ path: "add.js", line: 12, body: "" }]],
  ])("%j names %j", (text, refs) => {
    expect(lineReferencesOf(text)).toEqual(refs);
  });

  it.each(["keep the old name", "line 12 is wrong", "12:30 works for me", "see add.js:12 please", "https://example.com:8080/x", "/diff 2", ""])("%j names no line", (text) => {
    expect(lineReferencesOf(text)).toBeNull();
  });
});

const comment = (file: string, side: "new" | "old", line: number, lineText: string, body: string) => ({ file, side, line, lineText, body, change: "the run for “fix add”" });

describe("readReviewReply", () => {
  const cases: [string, ReviewReading][] = [
    ["add.js:11 keep the old name", { kind: "ambiguous", line: 11, choices: [
      { file: "src/add.js", comments: [comment("src/add.js", "new", 11, "const newName = 2;", "keep the old name")] },
      { file: "lib/add.js", comments: [comment("lib/add.js", "new", 11, "eleven", "keep the old name")] },
    ] }],
    ["src/add.js:11: keep the old name", { kind: "comments", comments: [comment("src/add.js", "new", 11, "const newName = 2;", "keep the old name")] }],
    // A path's end at a "/" only: "dd.js" is no file's.
    ["dd.js:11 x", { kind: "not_a_comment" }],
    ["line 13: close it", { kind: "comments", comments: [comment("src/add.js", "new", 13, "}", "close it")] }],
    // A deleted file's line is on the old side.
    ["gone.txt:2 why?", { kind: "comments", comments: [comment("gone.txt", "old", 2, "for good", "why?")] }],
    ["my notes.md:1 x", { kind: "not_a_comment" }],
    ["notes.md:1 hi", { kind: "not_a_comment" }],
    ["docs/my:1 x", { kind: "not_a_comment" }],
    // A line outside the diff's hunks is not in the change.
    ["src/add.js:40 what is this", { kind: "not_a_comment" }],
    ["line 99: nowhere", { kind: "not_a_comment" }],
    ["README.md:1 no such file", { kind: "not_a_comment" }],
    ["src/add.js:11", { kind: "not_a_comment" }],
    // One reference that is not in the change makes the whole text a plain message.
    ["src/add.js:11 yes\nsrc/add.js:77 no", { kind: "not_a_comment" }],
    ["src/add.js:10 a\nlib/add.js:2 b", { kind: "comments", comments: [comment("src/add.js", "new", 10, "const first = 1;", "a"), comment("lib/add.js", "new", 2, "two", "b")] }],
    ["just a message", { kind: "not_a_comment" }],
  ];
  it.each(cases)("%j → %j", (text, reading) => {
    expect(readReviewReply(text, change)).toEqual(reading);
  });

  it("line N fits every file with a line N; a choice settles each ambiguous reference and keeps the rest", () => {
    const reading = readReviewReply("line 12: is this right?\ngone.txt:1 and this", change);
    expect(reading.kind).toBe("ambiguous");
    if (reading.kind !== "ambiguous") return;
    expect(reading.choices.map((c) => c.file)).toEqual(["src/add.js", "lib/add.js"]);
    expect(reading.choices[1]!.comments).toEqual([comment("lib/add.js", "new", 12, "twelve", "is this right?"), comment("gone.txt", "old", 1, "bye", "and this")]);
  });

  it("references no one file fits together are no comment", () => {
    expect(readReviewReply("line 11: a\nline 1: b", { label: "x", files: changeLinesOf(DIFF.replace("@@ -1,3 +1,12 @@\n one", "@@ -2,2 +2,11 @@")) }).kind).toBe("not_a_comment");
  });

  it("a body past a comment's limit, or more comments than a review holds, is no comment", () => {
    expect(readReviewReply(`line 13: ${"x".repeat(2001)}`, change).kind).toBe("not_a_comment");
    expect(readReviewReply(Array.from({ length: 51 }, () => "src/add.js:10 a").join("\n"), change).kind).toBe("not_a_comment");
  });

  it("a long line's text is cut as an anchor holds it, and the agent reads the comment anchored", () => {
    const long = changeLinesOf(`diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\n+${"y".repeat(400)}\n`);
    const reading = readReviewReply("a.txt:1 too long", { label: "the run for “y”", files: long });
    expect(reading.kind).toBe("comments");
    if (reading.kind !== "comments") return;
    expect(reading.comments[0]!.lineText).toHaveLength(300);
    expect(reviewMessageForAgent(reading.comments)).toContain("a.txt, new line 1:\n   > yyy");
  });
});
