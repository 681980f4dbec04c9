// The house's own limits on length: a source file over 400 lines says why at its top (in its
// opening comment, a line starting "Over 400 lines"), and bench/README.md, the benchmarks' method
// and last figures, stays under 600 lines (their history is in git).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SOURCE_DIRS = ["src", "vm/src", "scripts", "emulator", "bench"];
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "results" ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Lines of `text`, and whether its opening comment (before the first line of code) gives the reason for its length. */
export function lengthOf(text: string): { lines: number; reasoned: boolean } {
  const lines = text.split("\n");
  const opening = lines.slice(0, lines.findIndex((l) => l.trim() !== "" && !l.trimStart().startsWith("//")));
  return { lines: lines.length - (text.endsWith("\n") ? 1 : 0), reasoned: opening.some((l) => /^\/\/ Over 400 lines\b/.test(l.trim())) };
}

describe("file lengths", () => {
  it.each([
    ["a short file", "// x\nconst a = 1;\n", { lines: 2, reasoned: false }],
    ["a reason in the opening comment", "// What it is.\n// Over 400 lines, as one factory: why.\nimport x from 'y';\n", { lines: 3, reasoned: true }],
    ["the words below the first line of code do not count", "// What it is.\nconst a = 1;\n// Over 400 lines, as one factory.\n", { lines: 3, reasoned: false }],
  ] as const)("reads %s", (_name, text, want) => {
    expect(lengthOf(text)).toEqual(want);
  });

  it("no source file is over 400 lines without a reason at its top", () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(500);
    const long = files.flatMap((file) => {
      const { lines, reasoned } = lengthOf(readFileSync(file, "utf8"));
      return lines > MAX_LINES && !reasoned ? [`${relative(ROOT, file)}: ${lines} lines`] : [];
    });
    expect(long).toEqual([]);
  });

  it("bench/README.md is under 600 lines", () => {
    expect(lengthOf(readFileSync(join(ROOT, "bench/README.md"), "utf8")).lines).toBeLessThan(600);
  });
});
