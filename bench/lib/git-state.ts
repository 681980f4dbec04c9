// Which code a bench run measured: the commit, and whether the Worker's sources had uncommitted edits.
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "./paths";

export type GitState = { commit: string | null; uncommittedWorkerFiles: number | null };

export function gitState(): GitState {
  const git = (args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const dirty = git(["status", "--porcelain", "--", "src", "migrations", "wrangler.toml", "package-lock.json"]);
    return { commit: git(["rev-parse", "HEAD"]), uncommittedWorkerFiles: dirty === "" ? 0 : dirty.split("\n").length };
  } catch {
    // Not a git checkout (an unpacked archive): the run is still worth its figures.
    return { commit: null, uncommittedWorkerFiles: null };
  }
}
