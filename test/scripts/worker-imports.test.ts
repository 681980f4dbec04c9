// What the Worker's bundle takes in, and from where (bench/README.md, "The Worker's upload"): never
// classic zod (its methods sit on prototypes, so all of it is bundled: about 19 KiB of gzip), and
// croner from one module only, src/schedules/cron.ts, where it is configured; and no AbortSignal.timeout,
// whose timer outlives the call in workerd and keeps a Durable Object busy (src/shared/deadline.ts).
// Everything under src/ is the Worker's.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const CLASSIC_ZOD = /\bfrom\s+["'](zod|zod\/v4)["']|\bimport\(\s*["'](zod|zod\/v4)["']\s*\)/;
const CRONER = /\bfrom\s+["']croner["']|\bimport\(\s*["']croner["']\s*\)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const importing = (pattern: RegExp): string[] => {
  const files = sources(join(ROOT, "src"));
  expect(files.length).toBeGreaterThan(100);
  return files.filter((f) => pattern.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
};

it("no module of the Worker imports classic zod", () => {
  expect(importing(CLASSIC_ZOD)).toEqual([]);
});

it("no call's deadline is AbortSignal.timeout: each clears its timer with the call (withDeadline)", () => {
  expect(importing(/\bAbortSignal\.timeout\(/)).toEqual([]);
});

it("croner is imported by src/schedules/cron.ts alone, and is a runtime dependency", () => {
  expect(importing(CRONER)).toEqual(["src/schedules/cron.ts"]);
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  expect(manifest.dependencies?.croner).toMatch(/^\d+\.\d+\.\d+$/);
  expect(manifest.devDependencies?.croner).toBeUndefined();
});

it.each([
  ['import { z } from "zod";', CLASSIC_ZOD, true],
  ["import * as z from 'zod';", CLASSIC_ZOD, true],
  ['const z = await import("zod");', CLASSIC_ZOD, true],
  ['import * as z from "zod/mini";', CLASSIC_ZOD, false],
  ['import type { Context } from "hono";', CLASSIC_ZOD, false],
  ['import { Cron } from "croner";', CRONER, true],
  ['const { Cron } = await import("croner");', CRONER, true],
  ['import { nextCronRun } from "./cron";', CRONER, false],
])("the check reads %s as a match: %s", (line, pattern, matches) => {
  expect(pattern.test(line)).toBe(matches);
});
