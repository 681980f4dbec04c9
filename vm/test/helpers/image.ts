// What the image runs, read from vm/Dockerfile, and the image's bundle built the way its build
// stage builds it (vm/build.mjs), into a scratch directory under vm/dist (ignored by git).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The Dockerfile's instructions: continuation lines joined, comments dropped, one per entry. */
export function dockerInstructions(): string[] {
  return readFileSync(join(ROOT, "vm/Dockerfile"), "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** The CMD's node flags and script (relative to the image's WORKDIR, vm/ here), and the ENV it sets. */
export function imageCommand(): { flags: string[]; script: string; env: Record<string, string> } {
  const instructions = dockerInstructions();
  const argv = JSON.parse(instructions.findLast((l) => l.startsWith("CMD "))?.replace(/^CMD /, "") ?? "[]") as string[];
  const env = Object.fromEntries(
    instructions
      .filter((l) => l.startsWith("ENV "))
      .flatMap((l) => l.replace(/^ENV /, "").split(/\s+/))
      .map((pair) => pair.split("=") as [string, string]),
  );
  return { flags: argv.slice(1, -1), script: argv.at(-1) ?? "", env };
}

/** Runs vm/build.mjs into a fresh directory (by default under vm/dist) and returns it. */
export function buildBundle(parent = join(ROOT, "vm/dist")): string {
  mkdirSync(parent, { recursive: true });
  const outDir = mkdtempSync(join(parent, "test-bundle-"));
  // As the image's /app/dist: the agents' own uids start the MCP server from it.
  chmodSync(outDir, 0o755);
  const build = spawnSync(process.execPath, [join(ROOT, "vm/build.mjs"), outDir], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`vm/build.mjs failed: ${build.stdout}${build.stderr}`);
  return outDir;
}
