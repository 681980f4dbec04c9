// The laptop's work taken back into the workspace (/handoff back): its commits (a git bundle on
// the commit handed off), its uncommitted changes (a binary patch) and its Claude Code session,
// paths moved back to the workspace's. A workspace that changed since it was handed off (a commit,
// or other files) is not overwritten: the answer is a conflict and nothing is touched.
import { chownSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HandbackDone, HandbackRequest, HandoffRefusal } from "../../../src/protocol/vm/handoff";
import { rewriteSessionPaths, sessionTurns } from "../core/session-paths";
import { asUser, readSession, repoOf, sessionFileOf, runGit, scratchOf, scratchRepo, worktreeTree, type HandoffTarget } from "./handoff";

export type HandbackOutcome = { ok: true; done: HandbackDone } | { ok: false; refusal: HandoffRefusal };

const refused = (reason: HandoffRefusal["reason"], message: string): HandbackOutcome => ({ ok: false, refusal: { error: "handoff_refused", reason, message } });

/** The session's file written where the CLI looks for it in the workspace, as the workspace's user (whole, or not at all). */
async function writeSession(t: HandoffTarget, sessionId: string, jsonl: string): Promise<boolean> {
  const file = sessionFileOf(t, sessionId);
  return (await asUser(t.ids, 'umask 077 && mkdir -p -- "$(dirname -- "$1")" && cat > "$1.partial-$$" && mv -fT -- "$1.partial-$$" "$1"', [file], jsonl)) !== null;
}

export async function handback(t: HandoffTarget, request: HandbackRequest): Promise<HandbackOutcome> {
  const repo = await repoOf(t);
  if (!repo) return refused("not_a_repository", "This conversation's folder is no longer a git repository.");
  const scratch = scratchOf(t.ids);
  try {
    const step = await scratchRepo(t, scratch.dir, repo.gitDir);
    if (!step) return refused("failed", "git could not take the work back.");
    const tree = await worktreeTree(step, repo.head);
    if (repo.head !== request.base || tree !== request.wipTree) {
      return refused("conflict", "This conversation changed here too since it went to the laptop; nothing was overwritten.");
    }
    const git = (args: string[], env: Record<string, string> = {}) => runGit(t.dir, t.ids, args, env);
    let head = repo.head;
    if (request.bundle) {
      const file = join(scratch.dir, "back.bundle");
      writeFileSync(file, Buffer.from(request.bundle, "base64"));
      if (t.ids) chownSync(file, t.ids.uid, t.ids.gid);
      // A bundle is read through git's "file" transport, which the VM's git leaves off for clones.
      const fetched = await git(["fetch", "-q", file, `+refs/heads/${request.branch}:refs/relay/handback`], { GIT_ALLOW_PROTOCOL: "file" });
      const sha = (await git(["rev-parse", "--verify", "-q", "refs/relay/handback^{commit}"])).stdout.trim();
      await git(["update-ref", "-d", "refs/relay/handback"]);
      if (fetched.code !== 0 || sha === "" || (await git(["merge-base", "--is-ancestor", repo.head, sha])).code !== 0) return refused("failed", "The laptop's commits do not follow the commit it was handed.");
      head = sha;
    }
    // The work tree as the laptop has it: its commit, then its uncommitted changes (untracked files are in the patch).
    if ((await git(["reset", "-q", "--hard", head])).code !== 0 || (await git(["clean", "-fdq"])).code !== 0) return refused("failed", "git could not take the work back.");
    if (request.patch) {
      const file = join(scratch.dir, "back.patch");
      writeFileSync(file, Buffer.from(request.patch, "base64"));
      if (t.ids) chownSync(file, t.ids.uid, t.ids.gid);
      if ((await git(["apply", "--binary", "--whitespace=nowarn", file])).code !== 0) return refused("failed", "The laptop's uncommitted changes did not apply; its commits are in place.");
    }
    let turns = 0;
    if (request.session) {
      const before = await readSession(t, request.session.id);
      const jsonl = rewriteSessionPaths(request.session.jsonl, request.laptopDir, t.dir);
      turns = Math.max(0, sessionTurns(jsonl) - (before === null ? 0 : sessionTurns(before)));
      if (!(await writeSession(t, request.session.id, jsonl))) return refused("failed", "The laptop's session could not be saved; its commits and changes are in place.");
    }
    const after = await worktreeTree(step, head);
    const changed = (await step(["diff-tree", "-r", "--name-only", request.wipTree, after])).stdout.split("\n").filter(Boolean).length;
    const branch = (await git(["symbolic-ref", "--short", "-q", "HEAD"])).stdout.trim() || request.branch;
    return { ok: true, done: { sessionId: request.session?.id ?? null, turns, branch, head: head.slice(0, 7), files: changed } };
  } finally {
    scratch.done();
  }
}
