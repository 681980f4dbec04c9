// The diff picture's reader of unified diffs: git's headers (new, deleted, renamed, binary, quoted
// paths), plain `diff -u`, and the lines that look like headers but are not.
import { describe, expect, it } from "vitest";
import { envLineShown, isEnvFile } from "../../src/core/diff-picture";
import { displayPath, hunkHeader, parseUnifiedDiff } from "../../src/core/unified-diff";
import { languageOf, tokenizeLines } from "../../src/core/syntax-tokens";

const git = (...lines: string[]) => lines.join("\n");

describe("hunkHeader", () => {
  it.each([
    [[1, 1, 1, 1], "@@ -1 +1 @@"],
    [[0, 0, 1, 1], "@@ -0,0 +1 @@"],
    [[1, 1, 0, 0], "@@ -1 +0,0 @@"],
    [[1, 3, 1, 4], "@@ -1,3 +1,4 @@"],
    [[17, 4, 17, 1], "@@ -17,4 +17 @@"],
  ] as const)("%j: %s, as git writes it", ([a, b, c, d], header) => {
    expect(hunkHeader(a, b, c, d)).toBe(header);
  });
});

describe("parseUnifiedDiff", () => {
  it.each([
    {
      name: "a new file",
      diff: git("diff --git a/n.ts b/n.ts", "new file mode 100644", "index 0000000..1111111", "--- /dev/null", "+++ b/n.ts", "@@ -0,0 +1,2 @@", "+a", "+b"),
      want: { oldPath: null, newPath: "n.ts", status: "added", insertions: 2, deletions: 0, binary: false },
    },
    {
      name: "a deleted file",
      diff: git("diff --git a/d.py b/d.py", "deleted file mode 100644", "--- a/d.py", "+++ /dev/null", "@@ -1 +0,0 @@", "-x = 1"),
      want: { oldPath: "d.py", newPath: null, status: "deleted", insertions: 0, deletions: 1 },
    },
    {
      name: "a rename without changes",
      diff: git("diff --git a/old.md b/new.md", "similarity index 100%", "rename from old.md", "rename to new.md"),
      want: { oldPath: "old.md", newPath: "new.md", status: "renamed", insertions: 0, deletions: 0 },
    },
    {
      name: "a binary file",
      diff: git("diff --git a/logo.png b/logo.png", "index 1..2 100644", "Binary files a/logo.png and b/logo.png differ"),
      want: { newPath: "logo.png", binary: true, status: "modified" },
    },
    {
      name: "a quoted path (git's octal escapes)",
      diff: git('diff --git "a/na\\303\\257ve.txt" "b/na\\303\\257ve.txt"', '--- "a/na\\303\\257ve.txt"', '+++ "b/na\\303\\257ve.txt"', "@@ -1 +1 @@", "-a", "+b"),
      want: { newPath: "naïve.txt", status: "modified", insertions: 1, deletions: 1 },
    },
    {
      name: "plain diff -u with timestamps",
      diff: git("--- x.c\t2026-01-01 00:00:00", "+++ x.c\t2026-01-02 00:00:00", "@@ -1,2 +1,2 @@", " int a;", "-int b;", "+long b;"),
      want: { oldPath: "x.c", newPath: "x.c", status: "modified", insertions: 1, deletions: 1 },
    },
  ])("reads $name", ({ diff, want }) => {
    const files = parseUnifiedDiff(diff);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject(want);
  });

  it("numbers lines from the hunk header, skips the no-newline marker, and reads removed '---' lines as lines", () => {
    const [file] = parseUnifiedDiff(git("--- a/s.sql", "+++ b/s.sql", "@@ -10,3 +10,2 @@ SELECT", " keep", "--- a SQL comment", "-++ odd", "\\ No newline at end of file"));
    expect(file?.hunks[0]).toMatchObject({ range: "@@ -10,3 +10,2 @@", section: "SELECT" });
    expect(file?.hunks[0]?.lines).toEqual([
      { kind: "ctx", text: "keep", oldNumber: 10, newNumber: 10 },
      { kind: "del", text: "-- a SQL comment", oldNumber: 11, newNumber: null },
      { kind: "del", text: "++ odd", oldNumber: 12, newNumber: null },
    ]);
  });

  it("splits several files, with or without git's headers, and ignores text before the first", () => {
    const files = parseUnifiedDiff(git("commit abc", "", "--- a/one", "+++ b/one", "@@ -1 +1 @@", "-1", "+2", "--- a/two", "+++ b/two", "@@ -1 +1,2 @@", " x", "+y", "diff --git a/three b/three", "--- a/three", "+++ b/three", "@@ -1 +1 @@", "-p", "+q"));
    expect(files.map(displayPath)).toEqual(["one", "two", "three"]);
    expect(files.map((f) => [f.insertions, f.deletions])).toEqual([[1, 1], [1, 0], [1, 1]]);
  });

  it("reads a diff cut in the middle, and nothing at all, without throwing", () => {
    expect(parseUnifiedDiff("")).toEqual([]);
    expect(parseUnifiedDiff("not a diff\n+++ stray")).toEqual([]);
    expect(parseUnifiedDiff(git("--- a/x", "+++ b/x", "@@ -1,50 +1,50 @@", " a", "-b"))[0]?.hunks[0]?.lines).toHaveLength(2);
  });
});

describe(".env files", () => {
  it.each([
    [".env", true], [".env.local", true], ["config/prod.env", true], [".envrc", true],
    ["env.ts", false], [".environment", false], ["src/.env-example.md", false],
  ])("%s is an env file: %s", (path, want) => expect(isEnvFile(path)).toBe(want));

  it.each([
    ["API_KEY=sk-1", "API_KEY=… (value hidden)"],
    ["export DB_URL = postgres://u:p@h", "export DB_URL=… (value hidden)"],
    ["# a comment with sk-2", "… (line hidden)"],
    ["   ", ""],
  ])("%j shows as %j", (line, want) => expect(envLineShown(line)).toBe(want));
});

describe("syntax tokens", () => {
  it.each([
    ["src/a.tsx", "typescript"], ["main.go", "go"], ["Dockerfile", "dockerfile"], ["build/Makefile", "makefile"],
    ["x.yml", "yaml"], ["README", null], ["a.unknownext", null],
  ])("%s is %s", (path, want) => expect(languageOf(path)).toBe(want));

  it("keeps a block comment's colour on each of its lines, and the text exactly", () => {
    const lines = tokenizeLines("/* one\n two */ const a = '<&>';", "typescript");
    expect(lines.map((l) => l.map((t) => t.text).join(""))).toEqual(["/* one", " two */ const a = '<&>';"]);
    expect(lines[1]?.[0]).toEqual({ text: " two */", scope: "comment" });
    expect(lines[1]).toContainEqual({ text: "'<&>'", scope: "string" });
  });
});
