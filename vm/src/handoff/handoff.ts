// The bundle a laptop takes a conversation from: the workspace's branch with all its commits, its
// uncommitted changes as one commit on top, and its Claude Code session with the workspace's paths
// as the laptop's. git runs as the workspace's user in a scratch repository whose object store
// borrows the workspace's (alternates), so no object, ref or index of the workspace is written.
// A folder that is not a repository goes as its files: one commit on branch `main`, which the
// laptop takes as a new repository (`kind` in the session commit says which it is). The scratch
// is the agent's uid's, so no ref is written there: the server writes the bundle's header itself,
// from the ids git printed, and asks git only for the objects those ids reach.
import { isAbsolute, join } from "node:path";
import { SESSION_UUID, type HandoffOutRequest, type HandoffRefusal } from "../../../src/protocol/vm/handoff";
import type { AgentIds } from "../core/agent-ids";
import { projectDirName, rewriteSessionPaths, withoutPermissionMode } from "../core/session-paths";
import { resolveInside } from "../users/user-paths";
import { asUser, runGit, runGitBytes, scratchOf, type GitResult, type Scratch } from "./as-workspace-user";

export type HandoffTarget = { dir: string; home: string; ids: AgentIds | null };
export type HandoffOutcome = { ok: true; bundle: Uint8Array<ArrayBuffer> } | { ok: false; refusal: HandoffRefusal };

export const IDENTITY = { GIT_AUTHOR_NAME: "Agent relay", GIT_AUTHOR_EMAIL: "agent-relay@users.noreply.github.com", GIT_COMMITTER_NAME: "Agent relay", GIT_COMMITTER_EMAIL: "agent-relay@users.noreply.github.com" };
/** The branch a folder that is not a repository goes as (a new repository on the laptop, with one commit). */
export const FILES_BRANCH = "main";

export const refusedHandoff = (reason: HandoffRefusal["reason"], message: string): HandoffOutcome => ({ ok: false, refusal: { error: "handoff_refused", reason, message } });
export const SCRATCH_FAILED = "The VM could not make its scratch folder for the hand-off; nothing was changed.";

/** Where the CLI keeps session `sessionId` of the workspace. */
export function sessionFileOf(t: Pick<HandoffTarget, "dir" | "home">, sessionId: string): string {
  return resolveInside(t.home, ".claude", "projects", projectDirName(t.dir), `${sessionId}.jsonl`);
}

/** The session's file as the CLI keeps it for the workspace, read as its user; null: none, or not a plain file. */
export function readSession(t: HandoffTarget, sessionId: string): Promise<string | null> {
  if (!SESSION_UUID.test(sessionId)) return Promise.resolve(null);
  return asUser(t.ids, '[ -f "$1" ] && [ ! -L "$1" ] && cat -- "$1"', [sessionFileOf(t, sessionId)]);
}

export type ScratchGit = {
  run: (args: string[], input?: string | Uint8Array, more?: Record<string, string>) => Promise<GitResult>;
  /** git's stdout as bytes (a pack), `input` on its stdin, or null. */
  bytes: (args: string[], input?: string) => Promise<Uint8Array<ArrayBuffer> | null>;
};

/**
 * git in a scratch repository (in the scratch folder) over the workspace's work tree, with its own
 * index; the workspace's objects read through alternates when it is a repository (`gitDir`). New
 * objects go to the scratch, nothing to the workspace.
 */
export async function scratchRepo(t: HandoffTarget, scratch: Scratch, gitDir: string | null): Promise<ScratchGit | null> {
  const bare = join(scratch.dir, "handoff.git");
  if ((await runGit(scratch.dir, t.ids, ["init", "-q", "--bare", bare])).code !== 0) return null;
  if (gitDir !== null && (await scratch.put("handoff.git/objects/info/alternates", `${join(gitDir, "objects")}\n`)) === null) return null;
  const env = { GIT_DIR: bare, GIT_WORK_TREE: t.dir, GIT_INDEX_FILE: join(scratch.dir, "index"), ...IDENTITY };
  return { run: (args, input, more = {}) => runGit(t.dir, t.ids, args, { ...env, ...more }, input), bytes: (args, input) => runGitBytes(t.dir, t.ids, args, env, input) };
}

/** The work tree as the workspace's agent left it, untracked files too (.gitignore still applies), as a tree on `head` (null: on nothing). */
export async function worktreeTree(git: ScratchGit, head: string | null): Promise<string> {
  if (head !== null) await git.run(["read-tree", head]);
  await git.run(["add", "-A", "."]);
  return (await git.run(["write-tree"])).stdout.trim();
}

/** The workspace's git directory and HEAD commit, or null: not a repository with a commit (git looks no higher than the workspace). */
export async function repoOf(t: HandoffTarget): Promise<{ gitDir: string; head: string; branch: string | null } | null> {
  const gitDirOut = await runGit(t.dir, t.ids, ["rev-parse", "--git-dir"]);
  const head = (await runGit(t.dir, t.ids, ["rev-parse", "--verify", "-q", "HEAD^{commit}"])).stdout.trim();
  if (gitDirOut.code !== 0 || head === "") return null;
  const gitDir = isAbsolute(gitDirOut.stdout.trim()) ? gitDirOut.stdout.trim() : join(t.dir, gitDirOut.stdout.trim());
  const branchOut = await runGit(t.dir, t.ids, ["symbolic-ref", "--short", "-q", "HEAD"]);
  return { gitDir, head, branch: branchOut.code === 0 && branchOut.stdout.trim() !== "" ? branchOut.stdout.trim() : null };
}

/** The refs a bundle names and the commits they point at, as the server computed them. */
type BundleTips = Array<readonly [string, string]>;

/**
 * A git bundle (gitformat-bundle: v2 for sha1, v3 naming its object format otherwise) whose header
 * the server writes from `tips`, the ids it computed, over `pack`, the objects they reach. Objects
 * are named by their content: one changed in the scratch after its id was computed makes the
 * laptop's fetch fail (its connectivity check), never land in its place.
 */
export function bundleOf(format: string, tips: BundleTips, pack: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = `${format === "sha1" ? "# v2 git bundle\n" : `# v3 git bundle\n@object-format=${format}\n`}${tips.map(([ref, sha]) => `${sha} ${ref}\n`).join("")}\n`;
  const text = new TextEncoder().encode(head);
  const out = new Uint8Array(text.byteLength + pack.byteLength);
  out.set(text);
  out.set(pack, text.byteLength);
  return out;
}

/** A hand-off's kind: the workspace's own repository, or its files as a new one. */
export type HandoffKind = "repo" | "files";

export async function handoffBundle(t: HandoffTarget, request: HandoffOutRequest): Promise<HandoffOutcome> {
  const repo = await repoOf(t);
  const kind: HandoffKind = repo ? "repo" : "files";
  const branch = repo ? (repo.branch ?? "handoff") : FILES_BRANCH;
  const scratch = await scratchOf(t);
  if (!scratch) return refusedHandoff("failed", SCRATCH_FAILED);
  try {
    const git = await scratchRepo(t, scratch, repo?.gitDir ?? null);
    if (!git) return refusedHandoff("failed", "git could not make the hand-off.");
    const tree = await worktreeTree(git, repo?.head ?? null);
    if (tree === "") return refusedHandoff("failed", "git could not read this conversation's files.");
    const head = repo ? repo.head : (await git.run(["commit-tree", tree, "-m", "the conversation's files (hand-off)"])).stdout.trim();
    const headTree = (await git.run(["rev-parse", `${head}^{tree}`])).stdout.trim();
    const wip = tree === headTree ? head : (await git.run(["commit-tree", tree, "-p", head, "-m", "uncommitted changes on the VM (hand-off)"])).stdout.trim();

    const session = request.sessionId ? await readSession(t, request.sessionId) : null;
    const files: Array<[string, string]> = [
      ["branch", `${branch}\n`],
      ["kind", `${kind}\n`],
    ];
    if (session !== null && request.sessionId) {
      files.push(["id", `${request.sessionId}\n`], ["project", `${projectDirName(request.laptopDir)}\n`], ["session.jsonl", withoutPermissionMode(rewriteSessionPaths(session, t.dir, request.laptopDir))]);
    }
    const entries: string[] = [];
    for (const [name, text] of files) {
      const blob = (await git.run(["hash-object", "-w", "--stdin"], text)).stdout.trim();
      entries.push(`100644 blob ${blob}\t${name}`);
    }
    const metaTree = (await git.run(["mktree"], `${entries.join("\n")}\n`)).stdout.trim();
    const meta = (await git.run(["commit-tree", metaTree, "-m", "hand-off: the session and its branch"])).stdout.trim();
    const format = (await git.run(["rev-parse", "--show-object-format"])).stdout.trim() || "sha1";
    const tips: BundleTips = [[`refs/heads/${branch}`, head], ["refs/handoff/wip", wip], ["refs/handoff/session", meta]];
    if (tips.some(([, sha]) => !/^[0-9a-f]{40,64}$/.test(sha))) return refusedHandoff("failed", "git could not make the hand-off.");
    // The pack from the commits' ids, never from refs: the scratch repository is the agent's uid's, and
    // a ref there can be moved between writing it and reading it (docs/vm.md, "What the agent can reach").
    const pack = await git.bytes(["pack-objects", "--revs", "--stdout", "--delta-base-offset", "-q"], `${tips.map(([, sha]) => sha).join("\n")}\n`);
    return pack ? { ok: true, bundle: bundleOf(format, tips, pack) } : refusedHandoff("failed", "git could not pack the hand-off.");
  } finally {
    await scratch.done();
  }
}
