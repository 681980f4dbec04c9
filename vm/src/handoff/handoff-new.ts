// A new conversation's workspace filled from a laptop (/handoff new): its branch with all its
// commits (a git bundle), its uncommitted changes (a binary patch, left uncommitted) and its Claude
// Code session, paths moved to the workspace's and written where the CLI looks for it. Everything
// runs as the workspace's user; a workspace that is not empty is refused, one that fails is emptied.
import type { HandbackDone, HandoffNewRequest } from "../../../src/protocol/vm/handoff";
import { rewriteSessionPaths, sessionTurns } from "../core/session-paths";
import { asUser, runGit, scratchOf, type Scratch } from "./as-workspace-user";
import { writeSession, type HandbackOutcome } from "./handback";
import { SCRATCH_FAILED, type HandoffTarget } from "./handoff";

const refused = (reason: "failed" | "busy", message: string): HandbackOutcome => ({ ok: false, refusal: { error: "handoff_refused", reason, message } });

export async function handoffNew(t: HandoffTarget, request: HandoffNewRequest): Promise<HandbackOutcome> {
  // Looked at as its user, whose folder it is (the server may not read it).
  if ((await asUser(t.ids, '[ -z "$(ls -A -- "$1")" ]', [t.dir])) === null) return refused("failed", "This conversation's folder is not empty; nothing was changed.");
  const scratch = await scratchOf(t);
  if (!scratch) return refused("failed", SCRATCH_FAILED);
  try {
    const done = await fill(t, scratch, request);
    // Half a repository is no conversation: the folder is emptied again (as its user).
    if (!done.ok) await asUser(t.ids, 'find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +', [t.dir]);
    return done;
  } finally {
    await scratch.done();
  }
}

async function fill(t: HandoffTarget, scratch: Scratch, request: HandoffNewRequest): Promise<HandbackOutcome> {
  const git = (args: string[], env: Record<string, string> = {}, input?: Uint8Array) => runGit(t.dir, t.ids, args, env, input);
  if ((await git(["init", "-q"])).code !== 0) return refused("failed", "git could not make the repository.");
  const bundle = await scratch.put("new.bundle", Buffer.from(request.bundle, "base64"));
  if (bundle === null) return refused("failed", SCRATCH_FAILED);
  // A bundle is read through git's "file" transport, which the VM's git leaves off for clones.
  const fetched = await git(["fetch", "-q", bundle, `+refs/heads/${request.branch}:refs/relay/new`], { GIT_ALLOW_PROTOCOL: "file" });
  const head = (await git(["rev-parse", "--verify", "-q", "refs/relay/new^{commit}"])).stdout.trim();
  await git(["update-ref", "-d", "refs/relay/new"]);
  if (fetched.code !== 0 || head === "") return refused("failed", `The laptop's bundle has no branch ${request.branch}.`);
  if ((await git(["checkout", "-q", "-B", request.branch, head])).code !== 0) return refused("failed", "git could not check out the laptop's branch.");
  let files = 0;
  if (request.patch) {
    // Read by git from a pipe: the server writes no file of the user's.
    const patch = Buffer.from(request.patch, "base64");
    const numstat = await git(["apply", "--numstat"], {}, patch);
    files = numstat.stdout.split("\n").filter(Boolean).length;
    if (numstat.code !== 0 || (await git(["apply", "--binary", "--whitespace=nowarn"], {}, patch)).code !== 0) return refused("failed", "The laptop's uncommitted changes did not apply.");
  }
  let turns = 0;
  if (request.session) {
    const jsonl = rewriteSessionPaths(request.session.jsonl, request.laptopDir, t.dir);
    turns = sessionTurns(jsonl);
    if (!(await writeSession(t, request.session.id, jsonl))) return refused("failed", "The laptop's session could not be saved.");
  }
  const done: HandbackDone = { sessionId: request.session?.id ?? null, turns, branch: request.branch, head: head.slice(0, 7), files };
  return { ok: true, done };
}
