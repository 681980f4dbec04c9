// Local git repositories for clone tests: a bare repository with a few commits on two branches,
// made with the real git and none of the machine's git config.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { tempDir } from "./temp-dir";

const ENV = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: tmpdir(),
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

export function git(cwd: string, ...args: string[]): string {
  const out = spawnSync("git", args, { cwd, env: ENV, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`git ${args.join(" ")}: ${out.stderr}`);
  return out.stdout.trim();
}

/**
 * `<tmp>/repo.git`, bare: branch `trunk` (checked out by a clone) with `files` (path → content),
 * and branch `feature` with one more file. Returns its path.
 */
export function makeBareRepo(files: Record<string, string>): string {
  const root = tempDir("vm-repo-");
  // Readable by every uid, as a remote is: a root VM clones as the user's own uid.
  chmodSync(root, 0o755);
  const work = join(root, "work");
  mkdirSync(work);
  git(work, "init", "-q", "-b", "trunk");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "first");
  git(work, "checkout", "-q", "-b", "feature");
  writeFileSync(join(work, "feature.txt"), "feature\n");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "feature");
  git(work, "checkout", "-q", "trunk");
  const bare = join(root, "repo.git");
  git(root, "clone", "-q", "--bare", work, bare);
  return bare;
}
