// The laptop's work taken back into the workspace (/handoff back): its commits (a git bundle on
// the commit handed off), its uncommitted changes (a binary patch) and its Claude Code session,
// paths moved back to the workspace's. A workspace that changed since it was handed off (a commit,
// or other files) is not overwritten: the laptop's work is kept beside it (branch
// `handoff/laptop-<stamp>`, session saved under ~/.claude/handoff/) and the answer is a conflict;
// if the user keeps the laptop's side, the workspace's own is kept the same way (`handoff/phone-<stamp>`).
// A folder handed off as its files (not a repository) takes the laptop's files back the same way, or,
// changed here meanwhile, nothing. Every step runs as the workspace's user (as-workspace-user.ts).
import { join } from "node:path";
import type { HandbackDone, HandbackKeepRequest, HandbackKept, HandbackRequest, HandoffRefusal, HandoffStaged } from "../../../src/protocol/vm/handoff";
import { rewriteSessionPaths, sessionTurns } from "../core/session-paths";
import { resolveInside } from "../users/user-paths";
import { asUser, runGit, scratchOf, type Scratch } from "./as-workspace-user";
import { IDENTITY, readSession, repoOf, SCRATCH_FAILED, sessionFileOf, scratchRepo, worktreeTree, type HandoffTarget } from "./handoff";

export type HandbackOutcome = { ok: true; done: HandbackDone } | { ok: false; refusal: HandoffRefusal };
export type HandbackKeepOutcome = { ok: true; kept: HandbackKept } | { ok: false; refusal: HandoffRefusal };
type Side = "laptop" | "phone";

/** `20261126-140205`: when a conflict was met (UTC), in its branches' and saved sessions' names. */
export function handoffStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** Where a side's session is saved, as the user reads it, and on disk. */
const savedSessionName = (side: Side, stamp: string) => `~/.claude/handoff/${side}-${stamp}.jsonl`;
const savedSessionFile = (t: HandoffTarget, side: Side, stamp: string) => resolveInside(t.home, ".claude", "handoff", `${side}-${stamp}.jsonl`);

/** `text` written to `file` as the workspace's user (whole, or not at all). */
function writeAsUser(t: HandoffTarget, file: string, text: string): Promise<boolean> {
  return asUser(t.ids, 'umask 077 && mkdir -p -- "$(dirname -- "$1")" && cat > "$1.partial-$$" && mv -fT -- "$1.partial-$$" "$1"', [file], text).then((out) => out !== null);
}

type Git = (args: string[], env?: Record<string, string>, input?: string | Uint8Array) => ReturnType<typeof runGit>;

/** A commit in the workspace's own object store of `head` with what `fill` put in a private index; `head` itself when that changed nothing. */
async function commitOnto(git: Git, indexFile: string, head: string, message: string, fill: (env: Record<string, string>) => Promise<boolean>): Promise<string | null> {
  const env = { GIT_INDEX_FILE: indexFile, ...IDENTITY };
  if ((await git(["read-tree", head], env)).code !== 0 || !(await fill(env))) return null;
  const tree = (await git(["write-tree"], env)).stdout.trim();
  if (tree === "") return null;
  if (tree === (await git(["rev-parse", `${head}^{tree}`])).stdout.trim()) return head;
  return (await git(["commit-tree", tree, "-p", head, "-m", message], env)).stdout.trim() || null;
}

const refused = (reason: HandoffRefusal["reason"], message: string): HandbackOutcome => ({ ok: false, refusal: { error: "handoff_refused", reason, message } });

/** The session's file written where the CLI looks for it in the workspace, as the workspace's user (whole, or not at all). */
export async function writeSession(t: HandoffTarget, sessionId: string, jsonl: string): Promise<boolean> {
  return writeAsUser(t, sessionFileOf(t, sessionId), jsonl);
}

export async function handback(t: HandoffTarget, request: HandbackRequest, at = new Date()): Promise<HandbackOutcome> {
  const repo = await repoOf(t);
  const scratch = await scratchOf(t);
  if (!scratch) return refused("failed", SCRATCH_FAILED);
  try {
    return repo ? await backIntoRepo(t, scratch, repo, request, at) : await backIntoFiles(t, scratch, request);
  } finally {
    await scratch.done();
  }
}

const bytesOf = (base64: string) => Buffer.from(base64, "base64");

async function backIntoRepo(t: HandoffTarget, scratch: Scratch, repo: { gitDir: string; head: string }, request: HandbackRequest, at: Date): Promise<HandbackOutcome> {
  const step = await scratchRepo(t, scratch, repo.gitDir);
  if (!step) return refused("failed", "git could not take the work back.");
  const tree = await worktreeTree(step, repo.head);
  const git: Git = (args, env = {}, input) => runGit(t.dir, t.ids, args, env, input);
  const laptopHead = await fetchLaptopCommits(git, scratch, request);
  if (laptopHead === null) return refused("failed", "The laptop's commits do not follow the commit it was handed.");
  if (repo.head !== request.base || tree !== request.wipTree) {
    const staged = await stageLaptop(t, git, scratch.dir, request, laptopHead, handoffStamp(at));
    const message = "This conversation changed here too since it went to the laptop; nothing was overwritten.";
    return staged ? { ok: false, refusal: { error: "handoff_refused", reason: "conflict", message, staged } } : refused("conflict", message);
  }
  const head = laptopHead;
  // The work tree as the laptop has it: its commit, then its uncommitted changes (untracked files are in the patch), which git reads from a pipe.
  if ((await git(["reset", "-q", "--hard", head])).code !== 0 || (await git(["clean", "-fdq"])).code !== 0) return refused("failed", "git could not take the work back.");
  if (request.patch && (await git(["apply", "--binary", "--whitespace=nowarn"], {}, bytesOf(request.patch))).code !== 0) return refused("failed", "The laptop's uncommitted changes did not apply; its commits are in place.");
  const turns = await takeSession(t, request);
  if (turns === null) return refused("failed", "The laptop's session could not be saved; its commits and changes are in place.");
  const after = await worktreeTree(step, head);
  const changed = (await step.run(["diff-tree", "-r", "--name-only", request.wipTree, after])).stdout.split("\n").filter(Boolean).length;
  const branch = (await git(["symbolic-ref", "--short", "-q", "HEAD"])).stdout.trim() || request.branch;
  return { ok: true, done: { sessionId: request.session?.id ?? null, turns, branch, head: head.slice(0, 7), files: changed } };
}

/**
 * A folder handed off as its files: unchanged since (its files' tree is the one handed off), it
 * takes the laptop's commit's files (a two-way merge from the tree it has, in a scratch index)
 * and the uncommitted changes; it stays a folder, not a repository.
 */
async function backIntoFiles(t: HandoffTarget, scratch: Scratch, request: HandbackRequest): Promise<HandbackOutcome> {
  const git = await scratchRepo(t, scratch, null);
  if (!git) return refused("failed", "git could not take the work back.");
  const tree = await worktreeTree(git, null);
  if (tree === "" || tree !== request.wipTree) return refused("conflict", "This conversation's files changed here too since they went to the laptop; nothing was overwritten.");
  let head = request.base;
  if (request.bundle) {
    const file = await scratch.put("back.bundle", bytesOf(request.bundle));
    const fetched = file ? await git.run(["fetch", "-q", file, `+refs/heads/${request.branch}:refs/relay/handback`], undefined, { GIT_ALLOW_PROTOCOL: "file" }) : null;
    const sha = (await git.run(["rev-parse", "--verify", "-q", "refs/relay/handback^{commit}"])).stdout.trim();
    if (!fetched || fetched.code !== 0 || sha === "" || (await git.run(["merge-base", "--is-ancestor", request.base, sha])).code !== 0) return refused("failed", "The laptop's commits do not follow what it was handed.");
    if ((await git.run(["read-tree", "-m", "-u", tree, sha])).code !== 0) return refused("failed", "git could not take the laptop's files back; nothing was changed.");
    head = sha;
  }
  if (request.patch && (await git.run(["apply", "--binary", "--whitespace=nowarn"], bytesOf(request.patch))).code !== 0) return refused("failed", "The laptop's uncommitted changes did not apply; its committed files are in place.");
  const turns = await takeSession(t, request);
  if (turns === null) return refused("failed", "The laptop's session could not be saved; its files are in place.");
  const after = await worktreeTree(git, null);
  const changed = (await git.run(["diff-tree", "-r", "--name-only", request.wipTree, after])).stdout.split("\n").filter(Boolean).length;
  return { ok: true, done: { sessionId: request.session?.id ?? null, turns, branch: request.branch, head: head.slice(0, 7), files: changed } };
}

/** The laptop's session written where the CLI looks for it; the turns it has that the VM's had not, or null when it could not be saved. */
async function takeSession(t: HandoffTarget, request: HandbackRequest): Promise<number | null> {
  if (!request.session) return 0;
  const before = await readSession(t, request.session.id);
  const jsonl = rewriteSessionPaths(request.session.jsonl, request.laptopDir, t.dir);
  if (!(await writeSession(t, request.session.id, jsonl))) return null;
  return Math.max(0, sessionTurns(jsonl) - (before === null ? 0 : sessionTurns(before)));
}

/** The laptop's commits into the workspace's object store: its branch's tip (`base` when it sent none); null: they do not follow `base`. */
async function fetchLaptopCommits(git: Git, scratch: Scratch, request: HandbackRequest): Promise<string | null> {
  if (!request.bundle) return request.base;
  const file = await scratch.put("back.bundle", bytesOf(request.bundle));
  if (file === null) return null;
  // A bundle is read through git's "file" transport, which the VM's git leaves off for clones.
  const fetched = await git(["fetch", "-q", file, `+refs/heads/${request.branch}:refs/relay/handback`], { GIT_ALLOW_PROTOCOL: "file" });
  const sha = (await git(["rev-parse", "--verify", "-q", "refs/relay/handback^{commit}"])).stdout.trim();
  await git(["update-ref", "-d", "refs/relay/handback"]);
  if (fetched.code !== 0 || sha === "" || (await git(["merge-base", "--is-ancestor", request.base, sha])).code !== 0) return null;
  return sha;
}

/** A conflict's laptop side kept in the workspace: its commits and a commit of its changes as a branch, its session saved. */
async function stageLaptop(t: HandoffTarget, git: Git, scratchDir: string, request: HandbackRequest, head: string, stamp: string): Promise<HandoffStaged | null> {
  let wip: string | null = null;
  if (request.patch) {
    const patch = bytesOf(request.patch);
    wip = await commitOnto(git, join(scratchDir, "laptop-index"), head, "uncommitted changes on the laptop (hand-back)", async (env) => (await git(["apply", "--cached", "--binary", "--whitespace=nowarn"], env, patch)).code === 0);
    if (wip === null) return null;
    if (wip === head) wip = null;
  }
  const branch = `handoff/laptop-${stamp}`;
  if ((await git(["update-ref", `refs/heads/${branch}`, wip ?? head, ""])).code !== 0) return null;
  let savedSession: string | null = null;
  if (request.session) {
    if (!(await writeAsUser(t, savedSessionFile(t, "laptop", stamp), rewriteSessionPaths(request.session.jsonl, request.laptopDir, t.dir)))) return null;
    savedSession = savedSessionName("laptop", stamp);
  }
  return { stamp, branch, head, wip, sessionId: request.session?.id ?? null, savedSession };
}

/**
 * The user kept the laptop's side of a conflict: the workspace's own commits and uncommitted
 * changes become branch `handoff/phone-<stamp>` (its session saved beside the laptop's), then the
 * workspace takes the laptop's commits, its changes left uncommitted, and the laptop's session.
 */
export async function keepLaptop(t: HandoffTarget, request: HandbackKeepRequest): Promise<HandbackKeepOutcome> {
  const { staged } = request;
  const repo = await repoOf(t);
  if (!repo) return { ok: false, refusal: { error: "handoff_refused", reason: "not_a_repository", message: "This conversation's folder is no longer a git repository." } };
  const git: Git = (args, env = {}, input) => runGit(t.dir, t.ids, args, env, input);
  const failed = (message: string): HandbackKeepOutcome => ({ ok: false, refusal: { error: "handoff_refused", reason: "failed", message } });
  // Only a side this VM kept: its branch is where the conflict left it.
  if ((await git(["rev-parse", "--verify", "-q", `refs/heads/${staged.branch}^{commit}`])).stdout.trim() !== (staged.wip ?? staged.head)) return failed(`The laptop's branch ${staged.branch} is not as it was kept; nothing was changed.`);
  const scratch = await scratchOf(t);
  if (!scratch) return failed(SCRATCH_FAILED);
  try {
    const phoneTip = await commitOnto(git, join(scratch.dir, "phone-index"), repo.head, "uncommitted changes on the phone (hand-back conflict)", async (env) => (await git(["add", "-A", "."], env)).code === 0);
    const phoneBranch = `handoff/phone-${staged.stamp}`;
    if (phoneTip === null || (await git(["update-ref", `refs/heads/${phoneBranch}`, phoneTip])).code !== 0) return failed("git could not keep this side's work; nothing was changed.");
    let savedSession: string | null = null;
    const phoneSession = request.phoneSessionId ? await readSession(t, request.phoneSessionId) : null;
    if (phoneSession !== null) {
      if (!(await writeAsUser(t, savedSessionFile(t, "phone", staged.stamp), phoneSession))) return failed("This side's session could not be saved; nothing was changed.");
      savedSession = savedSessionName("phone", staged.stamp);
    }
    const laptopSession = staged.sessionId ? await asUser(t.ids, '[ -f "$1" ] && cat -- "$1"', [savedSessionFile(t, "laptop", staged.stamp)]) : null;
    if ((await git(["reset", "-q", "--hard", staged.head])).code !== 0 || (await git(["clean", "-fdq"])).code !== 0) return failed(`git could not check out the laptop's side; this side's work is on ${phoneBranch}.`);
    if (staged.wip) {
      const diff = await git(["diff", "--binary", staged.head, staged.wip]);
      if (diff.code !== 0 || (await git(["apply", "--binary", "--whitespace=nowarn"], {}, diff.stdout)).code !== 0) return failed(`The laptop's uncommitted changes did not apply; they are on ${staged.branch}.`);
    }
    let turns = 0;
    if (staged.sessionId && laptopSession !== null) {
      turns = Math.max(0, sessionTurns(laptopSession) - (phoneSession === null ? 0 : sessionTurns(phoneSession)));
      if (!(await writeSession(t, staged.sessionId, laptopSession))) return failed(`The laptop's session could not be put in place; it is saved as ${savedSessionName("laptop", staged.stamp)}.`);
    }
    const files = (await git(["diff", "--name-only", phoneTip, staged.wip ?? staged.head])).stdout.split("\n").filter(Boolean).length;
    const branch = (await git(["symbolic-ref", "--short", "-q", "HEAD"])).stdout.trim() || staged.branch;
    const done: HandbackDone = { sessionId: laptopSession !== null ? staged.sessionId : null, turns, branch, head: staged.head.slice(0, 7), files };
    return { ok: true, kept: { done, kept: { branch: phoneBranch, savedSession } } };
  } finally {
    await scratch.done();
  }
}
