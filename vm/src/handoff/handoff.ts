// The bundle a laptop takes a conversation from: the workspace's branch with all its commits, its
// uncommitted changes as one commit on top, and its Claude Code session with the workspace's paths
// as the laptop's. git runs as the workspace's user in a scratch repository whose object store
// borrows the workspace's (alternates), so no object, ref or index of the workspace is written.
import { execFile, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { SESSION_UUID, type HandoffOutRequest, type HandoffRefusal } from "../../../src/protocol/vm/handoff";
import { spawnIdsOf } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { projectDirName, rewriteSessionPaths } from "../core/session-paths";
import { gitEnv } from "../git/git-clone";
import { resolveInside } from "../users/user-paths";

export type HandoffTarget = { dir: string; home: string; ids: AgentIds | null };
export type HandoffOutcome = { ok: true; bundle: Uint8Array<ArrayBuffer> } | { ok: false; refusal: HandoffRefusal };

/** What a workspace's own config could make git run, switched off (as /ship does). */
const SAFE_CONFIG = ["-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];
const GIT_TIMEOUT_MS = 5 * 60_000;
export const IDENTITY = { GIT_AUTHOR_NAME: "Agent relay", GIT_AUTHOR_EMAIL: "agent-relay@users.noreply.github.com", GIT_COMMITTER_NAME: "Agent relay", GIT_COMMITTER_EMAIL: "agent-relay@users.noreply.github.com" };

type GitResult = { code: number; stdout: string; stderr: string };

export function runGit(cwd: string, ids: AgentIds | null, args: string[], env: Record<string, string> = {}, input?: string): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile("git", [...SAFE_CONFIG, ...args], { cwd, env: { ...gitEnv(cwd, false), ...env }, ...spawnIdsOf(ids), maxBuffer: 64 * 1024 * 1024, encoding: "utf8", timeout: GIT_TIMEOUT_MS }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export const refusedHandoff = (reason: HandoffRefusal["reason"], message: string): HandoffOutcome => ({ ok: false, refusal: { error: "handoff_refused", reason, message } });

/** Where the CLI keeps session `sessionId` of the workspace. */
export function sessionFileOf(t: Pick<HandoffTarget, "dir" | "home">, sessionId: string): string {
  return resolveInside(t.home, ".claude", "projects", projectDirName(t.dir), `${sessionId}.jsonl`);
}

/**
 * A shell step run as the workspace's user (its HOME is the agent's to shape: a link there leads
 * nowhere the user could not go itself), `input` on its stdin; its stdout, or null when it failed.
 */
export function asUser(ids: AgentIds | null, script: string, args: string[], input = ""): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", script, "sh", ...args], { ...spawnIdsOf(ids), env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" }, cwd: "/", stdio: ["pipe", "pipe", "ignore"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code === 0 ? Buffer.concat(out).toString("utf8") : null));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

/** The session's file as the CLI keeps it for the workspace, read as its user; null: none, or not a plain file. */
export function readSession(t: HandoffTarget, sessionId: string): Promise<string | null> {
  if (!SESSION_UUID.test(sessionId)) return Promise.resolve(null);
  return asUser(t.ids, '[ -f "$1" ] && [ ! -L "$1" ] && cat -- "$1"', [sessionFileOf(t, sessionId)]);
}

/** A scratch directory of the workspace's user, removed by `done()`. */
export function scratchOf(ids: AgentIds | null): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), "relay-handoff-"));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

type Step = (args: string[], input?: string) => Promise<GitResult>;

/**
 * git in a scratch repository (in `scratchDir`) over the workspace's work tree, its objects read
 * through alternates and its own index: new objects go to the scratch, nothing to the workspace.
 */
export async function scratchRepo(t: HandoffTarget, scratchDir: string, gitDir: string): Promise<Step | null> {
  const bare = join(scratchDir, "handoff.git");
  if ((await runGit(scratchDir, t.ids, ["init", "-q", "--bare", bare])).code !== 0) return null;
  writeFileSync(join(bare, "objects", "info", "alternates"), `${join(gitDir, "objects")}\n`);
  const env = { GIT_DIR: bare, GIT_WORK_TREE: t.dir, GIT_INDEX_FILE: join(scratchDir, "index"), ...IDENTITY };
  return (args, input) => runGit(t.dir, t.ids, args, env, input);
}

/** The work tree as the workspace's agent left it, untracked files too (.gitignore still applies), as a tree on `head`. */
export async function worktreeTree(step: Step, head: string): Promise<string> {
  await step(["read-tree", head]);
  await step(["add", "-A", "."]);
  return (await step(["write-tree"])).stdout.trim();
}

/** The workspace's git directory and HEAD commit, or null: not a repository with a commit. */
export async function repoOf(t: HandoffTarget): Promise<{ gitDir: string; head: string; branch: string | null } | null> {
  const gitDirOut = await runGit(t.dir, t.ids, ["rev-parse", "--git-dir"]);
  const head = (await runGit(t.dir, t.ids, ["rev-parse", "--verify", "-q", "HEAD^{commit}"])).stdout.trim();
  if (gitDirOut.code !== 0 || head === "") return null;
  const gitDir = isAbsolute(gitDirOut.stdout.trim()) ? gitDirOut.stdout.trim() : join(t.dir, gitDirOut.stdout.trim());
  const branchOut = await runGit(t.dir, t.ids, ["symbolic-ref", "--short", "-q", "HEAD"]);
  return { gitDir, head, branch: branchOut.code === 0 && branchOut.stdout.trim() !== "" ? branchOut.stdout.trim() : null };
}

export async function handoffBundle(t: HandoffTarget, request: HandoffOutRequest): Promise<HandoffOutcome> {
  const repo = await repoOf(t);
  if (!repo) return refusedHandoff("not_a_repository", "This conversation's folder is not a git repository with a commit, so there is no branch to hand off.");
  const { gitDir, head } = repo;
  const branch = repo.branch ?? "handoff";

  const scratch = scratchOf(t.ids);
  try {
    const step = await scratchRepo(t, scratch.dir, gitDir);
    if (!step) return refusedHandoff("failed", "git could not make the hand-off.");
    const tree = await worktreeTree(step, head);
    const headTree = (await step(["rev-parse", `${head}^{tree}`])).stdout.trim();
    const wip = tree === headTree ? head : (await step(["commit-tree", tree, "-p", head, "-m", "uncommitted changes on the VM (hand-off)"])).stdout.trim();

    const session = request.sessionId ? await readSession(t, request.sessionId) : null;
    const files: Array<[string, string]> = [["branch", `${branch}\n`]];
    if (session !== null && request.sessionId) {
      files.push(["id", `${request.sessionId}\n`], ["project", `${projectDirName(request.laptopDir)}\n`], ["session.jsonl", rewriteSessionPaths(session, t.dir, request.laptopDir)]);
    }
    const entries: string[] = [];
    for (const [name, text] of files) {
      const blob = (await step(["hash-object", "-w", "--stdin"], text)).stdout.trim();
      entries.push(`100644 blob ${blob}\t${name}`);
    }
    const metaTree = (await step(["mktree"], `${entries.join("\n")}\n`)).stdout.trim();
    const meta = (await step(["commit-tree", metaTree, "-m", "hand-off: the session and its branch"])).stdout.trim();
    for (const [ref, sha] of [[`refs/heads/${branch}`, head], ["refs/handoff/wip", wip], ["refs/handoff/session", meta]] as const) {
      if ((await step(["update-ref", ref, sha])).code !== 0) return refusedHandoff("failed", "git could not make the hand-off.");
    }
    const out = join(scratch.dir, "handoff.bundle");
    const bundled = await step(["bundle", "create", "-q", out, `refs/heads/${branch}`, "refs/handoff/wip", "refs/handoff/session"]);
    if (bundled.code !== 0) return refusedHandoff("failed", "git could not pack the hand-off.");
    return { ok: true, bundle: Uint8Array.from(readFileSync(out)) };
  } finally {
    scratch.done();
  }
}
