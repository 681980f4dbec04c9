// Doing things as a relay user's own OS user without the server ever switching its own ids:
// `setegid`/`seteuid` switch every thread of the process (glibc), so libuv's pool would run the
// server's other file work (a staged copy, a served file, the clone size walk) as that user
// meanwhile. Instead, a user's file work runs in a child process started as the user (writes,
// a tree's removal, what /proc shows only to the user), and the server's own reads of a user's
// files go through checked opens (checked-open.ts). `null` ids everywhere mean "as the server
// itself" (not root, or AGENT_UIDS=off).
import { spawn, spawnSync } from "node:child_process";
import type { AgentIds } from "../core/agent-ids";
import { errnoOfMessage, userFileScript, type UserFileOp } from "../core/user-file-ops";
import { userSpawnOf } from "./user-netns";

/** `spawn`/`execFile` options: the child sets its groups to `[gid]`, then gid, then uid. */
export function spawnIdsOf(ids: AgentIds | null): { uid?: number; gid?: number } {
  return ids ? { uid: ids.uid, gid: ids.gid } : {};
}

/** A step of a user's file work that failed: `code` is the errno its tool reported, when it said one. */
export class UserFileError extends Error {
  override readonly name = "UserFileError";
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/** The environment of every child of a user: nothing of the server's own (its secrets stay in it). */
export const userChildEnv = (more: Record<string, string>): Record<string, string> => ({
  PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  LC_ALL: "C",
  ...more,
});

const failureOf = (status: number | null, stderr: string): UserFileError => {
  const said = stderr.trim().split("\n").at(-1) ?? "";
  return new UserFileError(`file work as the user failed (${status === null ? "killed" : `status ${status}`})${said ? `: ${said}` : ""}`, errnoOfMessage(said) ?? undefined);
};

/** Does `ops` in one `sh` child as the user (as the server itself when `ids` is null); rejects with the first failure. */
export function doAsUser(ids: AgentIds | null, ops: readonly UserFileOp[]): Promise<void> {
  if (ops.length === 0) return Promise.resolve();
  const { script, env } = userFileScript(ops);
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script], { ...spawnIdsOf(ids), env: userChildEnv(env), stdio: ["ignore", "ignore", "pipe"], cwd: "/" });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2048);
    });
    child.on("error", (error) => reject(new UserFileError(`file work as the user could not start: ${error.message}`, (error as NodeJS.ErrnoException).code)));
    child.on("close", (status) => (status === 0 ? resolve() : reject(failureOf(status, stderr))));
  });
}

/**
 * The same, blocking the server until done (about 2 ms): only where an answer must be on disk
 * before the server goes on and the caller cannot wait (an "always" answer, written before the allow).
 */
export function doAsUserSync(ids: AgentIds | null, ops: readonly UserFileOp[]): void {
  if (ops.length === 0) return;
  const { script, env } = userFileScript(ops);
  const done = spawnSync("sh", ["-c", script], { ...spawnIdsOf(ids), env: userChildEnv(env), stdio: ["ignore", "ignore", "pipe"], cwd: "/", encoding: "utf8" });
  if (done.error) throw new UserFileError(`file work as the user could not start: ${done.error.message}`, (done.error as NodeJS.ErrnoException).code);
  if (done.status !== 0) throw failureOf(done.status, done.stderr ?? "");
}

/**
 * What a short command run as the user printed; null when it failed. Its stdout is read whole (small
 * outputs only). It runs in the user's network namespace when there is one: /proc/net is then theirs.
 */
export function outputAsUser(ids: AgentIds | null, script: string, env: Record<string, string> = {}): Promise<string | null> {
  return new Promise((resolve) => {
    const shell = userSpawnOf(ids, "sh", ["-c", script]);
    const child = spawn(shell.bin, shell.args, { ...shell.ids, env: userChildEnv(env), stdio: ["ignore", "pipe", "ignore"], cwd: "/" });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", () => resolve(null));
    child.on("close", (status) => resolve(status === 0 ? Buffer.concat(chunks).toString("utf8") : null));
  });
}

/**
 * Removes a tree as the user, in a child (a large tree never blocks the server): first made
 * writable, since the user may have made a directory of its own read-only, which `rm` alone
 * could not empty as that user.
 */
export function removeTreeAs(ids: AgentIds | null, path: string): Promise<void> {
  return new Promise((resolve) => {
    const script = 'chmod -R u+rwX -- "$1" 2>/dev/null; exec rm -rf -- "$1"';
    const child = spawn("sh", ["-c", script, "sh", path], { ...spawnIdsOf(ids), env: userChildEnv({}), stdio: "ignore" });
    child.on("error", () => resolve());
    child.on("close", () => resolve());
  });
}

/**
 * Who the server's own git work runs as where agents have uids of their own (a clone through the
 * credential proxy, /ship's push): no agent's uid (those start at 20000, core/agent-ids.ts), so no
 * agent can read that git's environment, which holds the operation's proxy token, in /proc.
 */
export const SERVER_GIT_IDS: AgentIds = { uid: 19_999, gid: 19_999 };

/** A tree made as another uid given to `ids` (`chown -R -h`: a link is changed itself, never followed); false when it failed. */
export function giveTreeTo(ids: AgentIds, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("chown", ["-R", "-h", `${ids.uid}:${ids.gid}`, "--", path], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (status) => resolve(status === 0));
  });
}
