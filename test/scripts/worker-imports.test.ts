// What the Worker's bundle must not take in again (bench/README.md, "The Worker's bundle"):
// classic zod (its methods sit on prototypes, so all of it is bundled: about 19 KiB of gzip) and
// croner (the relay has its own cron evaluator; croner is the tests' oracle). Everything under
// src/ is the Worker's.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const FORBIDDEN = /\bfrom\s+["'](zod|zod\/v4|croner)["']|\bimport\(\s*["'](zod|zod\/v4|croner)["']\s*\)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

it("no module of the Worker imports classic zod or croner", () => {
  const files = sources(join(ROOT, "src"));
  expect(files.length).toBeGreaterThan(100);
  const offending = files.filter((f) => FORBIDDEN.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
  expect(offending).toEqual([]);
});

it.each([
  ['import { z } from "zod";', true],
  ["import * as z from 'zod';", true],
  ['import { Cron } from "croner";', true],
  ['const z = await import("zod");', true],
  ['import * as z from "zod/mini";', false],
  ['import type { Context } from "hono";', false],
])("the check reads %s as forbidden: %s", (line, forbidden) => {
  expect(FORBIDDEN.test(line)).toBe(forbidden);
});
