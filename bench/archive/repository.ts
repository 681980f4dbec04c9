// The benchmark's repository: 50 MB of git objects (history included) that no compression shrinks,
// the same bytes on every run: AES-128-CTR under a fixed key, ten commits of a new 4 MB file and a
// rewritten 1 MB one.
import { spawnSync } from "node:child_process";
import { createCipheriv } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const REPOSITORY = { commits: 10, newFileMb: 4, rewrittenFileMb: 1 } as const;
export const REPOSITORY_MB = REPOSITORY.commits * (REPOSITORY.newFileMb + REPOSITORY.rewrittenFileMb);

/** `mb` MiB of deterministic, incompressible bytes, one stream per `label`. */
function noise(label: string, mb: number): Buffer {
  const key = Buffer.alloc(16, 7);
  const iv = Buffer.alloc(16);
  iv.write(label.slice(0, 16));
  return createCipheriv("aes-128-ctr", key, iv).update(Buffer.alloc(mb * 1024 * 1024));
}

/** A bare repository at `<dir>/repo.git`, made in `<dir>/work`; returns its path. */
export function makeRepository(dir: string): string {
  const work = join(dir, "work");
  mkdirSync(join(work, "data"), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b", GIT_AUTHOR_DATE: "1700000000 +0000", GIT_COMMITTER_DATE: "1700000000 +0000" };
  const git = (cwd: string, ...args: string[]) => {
    const done = spawnSync("git", args, { cwd, env });
    if (done.status !== 0) throw new Error(`git ${args[0]} failed: ${done.stderr.toString()}`);
  };
  git(work, "init", "-q", "-b", "trunk");
  writeFileSync(join(work, ".gitignore"), "node_modules/\n");
  for (let i = 0; i < REPOSITORY.commits; i++) {
    writeFileSync(join(work, "data", `part-${i}.bin`), noise(`part-${i}`, REPOSITORY.newFileMb));
    writeFileSync(join(work, "data", "state.bin"), noise(`state-${i}`, REPOSITORY.rewrittenFileMb));
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", `commit ${i}`);
  }
  const bare = join(dir, "repo.git");
  git(dir, "clone", "-q", "--bare", work, bare);
  return bare;
}
