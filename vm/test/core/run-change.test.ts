import { describe, expect, it } from "vitest";
import {
  cannotRestoreLines,
  capDiff,
  changeSummary,
  envDiffSection,
  envKeyChanges,
  isEnvLike,
  oversizedMessage,
  oversizedOf,
  parseNameStatus,
  parseNumstat,
  parseSizes,
} from "../../src/core/run-change";

describe("env-like files", () => {
  it.each([
    [".env", true],
    ["app/.env.local", true],
    ["prod.env", true],
    [".envrc", true],
    [".dev.vars", true],
    ["environment.ts", false],
    ["src/env.ts", false],
    ["README.md", false],
  ])("%s → %s", (path, expected) => expect(isEnvLike(path)).toBe(expected));

  it("tells which keys changed, never a value", () => {
    const changes = envKeyChanges("A=1\nB=secret-one\nexport C=3\n", "B=secret-two\nC=3\n# note\nD=new-value\n");
    expect(changes).toEqual({ added: ["D"], changed: ["B"], removed: ["A"] });
    const section = envDiffSection(".env", changes);
    expect(section).toContain("# + D (added)");
    expect(section).toContain("# ~ B (value changed)");
    expect(section).toContain("# - A (removed)");
    for (const value of ["secret-one", "secret-two", "new-value"]) expect(section).not.toContain(value);
  });
});

describe("git's outputs", () => {
  it("numstat with name-status: counts, kinds, binary files, names with spaces", () => {
    const kinds = parseNameStatus("A\0new file.txt\0M\0src/a.ts\0D\0old.bin\0");
    const files = parseNumstat("3\t0\tnew file.txt\0" + "5\t2\tsrc/a.ts\0" + "-\t-\told.bin\0", kinds);
    expect(files).toEqual([
      { path: "new file.txt", status: "added", insertions: 3, deletions: 0 },
      { path: "src/a.ts", status: "modified", insertions: 5, deletions: 2 },
      { path: "old.bin", status: "deleted", insertions: 0, deletions: 0, binary: true },
    ]);
    expect(changeSummary({ files })).toBe("3 files changed, +8 \u22122");
    expect(changeSummary({ files: files.slice(0, 1) })).toBe("1 file changed, +3 \u22120");
  });

  it("sizes from find: only those over the limit", () => {
    expect(parseSizes("10 small.txt\0" + "2000000 big dir/data.bin\0" + "\0", 1_000_000)).toEqual({ "big dir/data.bin": 2_000_000 });
  });

  it("oversized files round-trip through a commit message; a foreign message gives none", () => {
    expect(oversizedOf(oversizedMessage({ "a.bin": 5 }))).toEqual({ "a.bin": 5 });
    expect(oversizedOf("hello\n")).toEqual({});
    expect(oversizedOf("oversized: {not json\n")).toEqual({});
  });
});

describe("the diff's cap", () => {
  it.each([
    { name: "under the cap: whole", diff: "a\nb\n", max: 100, truncated: false, expected: "a\nb\n" },
    { name: "over: cut at a line's end, with a note", diff: "aaaa\nbbbb\ncccc\n", max: 8, truncated: true, expected: "aaaa\n[diff cut at 0 KiB: 2 more lines not shown]\n" },
    { name: "a multi-byte character at the cut is not split", diff: "ab\n\u00e9\u00e9\u00e9\n", max: 5, truncated: true, expected: "ab\n[diff cut at 0 KiB: 1 more lines not shown]\n" },
  ])("$name", ({ diff, max, truncated, expected }) => {
    expect(capDiff(diff, max)).toEqual({ diff: expected, truncated });
  });
});

describe("cannotRestoreLines", () => {
  it.each([
    ["nothing ignored, nothing big: nothing to report", { oversized: [], ignored: [] }, []],
    ["ignored paths are named", { oversized: [], ignored: ["node_modules/", ".env.local"] }, ["ignored files (.gitignore) were left as they are: node_modules/, .env.local"]],
    ["big files first", { oversized: ["big.bin"], ignored: ["dist/"] }, ["files over 1 MiB were left as they are: big.bin", "ignored files (.gitignore) were left as they are: dist/"]],
    ["at most 20 named", { oversized: [], ignored: Array.from({ length: 22 }, (_, i) => `f${i}`) }, [`ignored files (.gitignore) were left as they are: ${Array.from({ length: 20 }, (_, i) => `f${i}`).join(", ")}, …`]],
  ])("%s", (_what, facts, expected) => {
    expect(cannotRestoreLines(facts)).toEqual(expected);
  });
});
