// The previous bench runs' figures (bench/results/*.json), to compare this run with. Reading
// the files is the shell; choosing which run and figure is pure.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Figure } from "../lib/figures";
import { RESULTS_DIR } from "../lib/paths";

export type PastRun = { file: string; startedAt: string; quick: boolean; figures: readonly Figure[] };

/** Every bench run on disk (not soaks, not latest.json, which repeats one of them), newest first. */
export async function loadPastRuns(dir = RESULTS_DIR): Promise<PastRun[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^bench(-quick)?-.*\.json$/.test(n));
  const runs: PastRun[] = [];
  for (const name of names) {
    try {
      const json = JSON.parse(await readFile(join(dir, name), "utf8")) as { startedAt?: unknown; args?: { quick?: unknown }; figures?: unknown };
      if (typeof json.startedAt !== "string" || !Array.isArray(json.figures)) continue;
      runs.push({ file: name, startedAt: json.startedAt, quick: json.args?.quick === true, figures: json.figures as Figure[] });
    } catch {
      // An unreadable file is no previous run.
    }
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export type Previous = { file: string; startedAt: string; figure: Figure };

/**
 * The most recent earlier run's value of the first of `candidates` it has ([section, name]
 * pairs, in order of preference); runs as quick as this one first, then the others.
 */
export function findPrevious(runs: readonly PastRun[], candidates: readonly (readonly [string, string])[], o: { quick: boolean; before: string }): Previous | null {
  const earlier = runs.filter((r) => r.startedAt < o.before);
  const ordered = [...earlier.filter((r) => r.quick === o.quick), ...earlier.filter((r) => r.quick !== o.quick)];
  for (const run of ordered) {
    for (const [section, name] of candidates) {
      const figure = run.figures.find((f) => f.section === section && f.name === name && typeof f.value === "number" && Number.isFinite(f.value));
      if (figure) return { file: run.file, startedAt: run.startedAt, figure };
    }
  }
  return null;
}
