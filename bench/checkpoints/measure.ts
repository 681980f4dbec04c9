// A checkpoint of a 10,000-file repository with nothing changed (vm/src/checkpoints/checkpoints.ts): the
// checkpoint before a run and the one after it (which also compares the two), each the median of
// many, after a first checkpoint that hashes every file (reported, not judged).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCheckpoints } from "../../vm/src/checkpoints/checkpoints";
import { userPathsOf, workspaceDirOf } from "../../vm/src/users/user-paths";
import { atMost, info, judged, type Figure } from "../lib/figures";

const SECTION = "checkpoints";
const USER = "+15550009999";

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** `files` small source-like files in directories of 100, committed: a repository like a user's clone. */
function makeRepository(dir: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const sub = join(dir, "src", `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.ts`), `export const value${i} = ${i};\n// ${"x".repeat(i % 200)}\n`);
  }
  writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
  const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b" };
  for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "files"]]) {
    const done = spawnSync("git", args, { cwd: dir, env });
    if (done.status !== 0) throw new Error(`git ${args[0]} failed: ${done.stderr.toString()}`);
  }
}

export default async function measure({ quick }: { quick: boolean }): Promise<{ figures: Figure[]; files: number; samples: number; beforeMs: number[]; afterMs: number[]; firstMs: number }> {
  const files = 10_000;
  const samples = quick ? 5 : 21;
  const dataDir = mkdtempSync(join(tmpdir(), "bench-checkpoints-"));
  try {
    const paths = userPathsOf(dataDir, USER);
    const ws = workspaceDirOf(paths, "main");
    mkdirSync(ws, { recursive: true });
    makeRepository(ws, files);
    const key = paths.key;
    const checkpoints = createCheckpoints({ dataDir, idsOf: () => null });
    let began = performance.now();
    await checkpoints.before(key, "main", "first");
    const firstMs = performance.now() - began;
    await checkpoints.after(key, "main", "first");
    const beforeMs: number[] = [];
    const afterMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      began = performance.now();
      await checkpoints.before(key, "main", `run${i}`);
      beforeMs.push(performance.now() - began);
      began = performance.now();
      const change = await checkpoints.after(key, "main", `run${i}`);
      afterMs.push(performance.now() - began);
      if (change !== null) throw new Error("nothing changed, yet the checkpoint saw a change");
    }
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const figures = [
      judged(SECTION, "checkpoint, 10,000 files, nothing changed (median)", round(median(beforeMs)), "ms", atMost(200), `${samples} runs' checkpoints before`),
      info(SECTION, "checkpoint after a run + comparison, nothing changed (median)", round(median(afterMs)), "ms"),
      info(SECTION, "first checkpoint (hashes every file)", round(firstMs), "ms"),
    ];
    return { figures, files, samples, beforeMs: beforeMs.map(round), afterMs: afterMs.map(round), firstMs: round(firstMs) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
