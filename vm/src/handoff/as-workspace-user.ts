// What a hand-off does in a workspace, always as the workspace's user: git (never walking above the
// workspace), short shell steps with bytes through a pipe, and a scratch folder of that user's. The
// server (root, without CAP_DAC_OVERRIDE in the image) never opens, writes, chowns or removes by
// path anything inside a folder the agent's uid can write: a link or a FIFO an agent process plants
// there is met by a process of that same uid, which can reach nothing the agent could not, and every
// step has a time limit, so a FIFO holds up one child, never the server.
import { execFile, spawn } from "node:child_process";
import { basename, dirname } from "node:path";
import type { AgentIds } from "../core/agent-ids";
import { gitEnv } from "../git/git-clone";
import { spawnIdsOf, userChildEnv } from "../users/as-user";
import { resolveInside } from "../users/user-paths";

/** What a workspace's own config could make git run, switched off (as /ship does). */
const SAFE_CONFIG = ["-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];
const GIT_TIMEOUT_MS = 5 * 60_000;
/** A shell step (a file written or read, a folder made or removed): seconds at most, unless a FIFO holds it. */
const STEP_TIMEOUT_MS = 60_000;

export type GitResult = { code: number; stdout: string; stderr: string };

/**
 * git as `ids` in `cwd`. GIT_CEILING_DIRECTORIES stops git's search for a repository at `cwd`
 * itself: a workspace that is not a repository is never taken for one that holds it (on the local
 * stack the data folder lies inside the relay's own clone).
 */
export function runGit(cwd: string, ids: AgentIds | null, args: string[], env: Record<string, string> = {}, input?: string | Uint8Array): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      { cwd, env: { ...gitEnv(cwd, false), GIT_CEILING_DIRECTORIES: dirname(cwd), ...env }, ...spawnIdsOf(ids), maxBuffer: 64 * 1024 * 1024, encoding: "utf8", timeout: GIT_TIMEOUT_MS },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input ?? "");
  });
}

/** git's stdout as bytes (a pack written to stdout), `input` on its stdin; null when git failed. */
export function runGitBytes(cwd: string, ids: AgentIds | null, args: string[], env: Record<string, string> = {}, input = ""): Promise<Uint8Array<ArrayBuffer> | null> {
  return new Promise((resolve) => {
    const child = execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      { cwd, env: { ...gitEnv(cwd, false), GIT_CEILING_DIRECTORIES: dirname(cwd), ...env }, ...spawnIdsOf(ids), maxBuffer: 256 * 1024 * 1024, encoding: "buffer", timeout: GIT_TIMEOUT_MS },
      (error, stdout) => resolve(error ? null : Uint8Array.from(stdout)),
    );
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input);
  });
}

/** A shell step run as the workspace's user, `input` on its stdin; its stdout, or null when it failed or outlived its time. */
export function asUser(ids: AgentIds | null, script: string, args: string[], input: string | Uint8Array = ""): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", script, "sh", ...args], { ...spawnIdsOf(ids), env: userChildEnv({}), cwd: "/", stdio: ["pipe", "pipe", "ignore"], timeout: STEP_TIMEOUT_MS, killSignal: "SIGKILL" });
    const out: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code === 0 ? Buffer.concat(out).toString("utf8") : null));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

/** A folder removed as its user (made writable first: the agent may have made parts of it read-only); a link is removed, never followed. */
const REMOVE = '[ -L "$1" ] || chmod -R u+rwX -- "$1" 2>/dev/null || true; rm -rf -- "$1"';

/**
 * A scratch folder made afresh as the user: whatever stood at its path (a link, a FIFO, an old
 * scratch) is removed first, and so is a parent that is not a plain folder.
 */
const FRESH = `umask 077; p=$(dirname -- "$1"); if [ -L "$p" ] || { [ -e "$p" ] && [ ! -d "$p" ]; }; then rm -f -- "$p"; fi; mkdir -p -- "$p" && { ${REMOVE}; } && mkdir -- "$1"`;

export type Scratch = {
  dir: string;
  /** `bytes` written as the user to `name` in the scratch folder; its path, or null when that failed. */
  put(name: string, bytes: string | Uint8Array): Promise<string | null>;
  /** The folder removed, as the user. */
  done(): Promise<void>;
};

/**
 * The scratch folder of one hand-off of workspace `dir`: `~/.relay-handoff/<workspace>` in the
 * user's home (the workspace's lock keeps it to one hand-off at a time); null when it could not be made.
 */
export async function scratchOf(t: { dir: string; home: string; ids: AgentIds | null }): Promise<Scratch | null> {
  const dir = resolveInside(t.home, ".relay-handoff", basename(t.dir));
  if ((await asUser(t.ids, FRESH, [dir])) === null) return null;
  return {
    dir,
    put: async (name, bytes) => {
      const file = resolveInside(dir, ...name.split("/"));
      return (await asUser(t.ids, 'umask 077; cat > "$1"', [file], bytes)) === null ? null : file;
    },
    done: async () => {
      await asUser(t.ids, REMOVE, [dir]);
    },
  };
}
