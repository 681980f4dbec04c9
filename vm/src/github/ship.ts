// /ship on the VM (the server, never the agent): what the conversation changed is committed on its
// branch, pushed through the credential proxy with a token of the server's own (as a clone is), and
// the pull request opened or updated through GitHub's REST API with the VM's GITHUB_TOKEN. The
// decisions are core/ship.ts's. git runs as the workspace's user, except the push: from a git
// directory of the server's, as the server's git uid, so neither the workspace's config or hooks
// nor any process of the agent's uid ever sees the push's proxy token.
import { execFile, spawn } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { ShipDone, ShipPlan, ShipRefusal, ShipRequest } from "../../../src/protocol/vm/ship";
import { removeTreeAs, SERVER_GIT_IDS, spawnIdsOf, userChildEnv } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { gitConfigEnv } from "../core/credential-proxy";
import { repoLocationOf, type ServerGitGrant } from "../core/server-git-scope";
import { commitMessage, numstatTotals, previewChange, pullAnswerOf, pullBody, pushRefusalOf, shipBranch, shipTitle, type NamedRefusal } from "../core/ship";
import { gitEnv } from "../git/git-clone";
import type { GithubRepos } from "./github-repos";
import { createGithubRest } from "./github-rest";

export type ShipDeps = {
  githubUrl: string;
  githubApiBase: string;
  githubToken: string | undefined;
  /** The workspace's record: after a ship, its branch is the conversation's own (the agent's approved pushes may go there too). */
  repos: Pick<GithubRepos, "of" | "record" | "recordPull">;
  proxy: PushProxy | null;
  fetch?: typeof fetch;
};

/**
 * What a push asks of the credential proxy (credentials/credential-proxy.ts answers): declared
 * here, so github/ needs nothing of credentials/, whose proxy asks github/'s gate.
 */
export type PushProxy = {
  /** A token of the server's own git work, good for `grant` alone until revoked or `expiresAt` (epoch ms). */
  grantServer(grant: ServerGitGrant, expiresAt: number): { token: string; revoke(): void };
  /** The settings that send git through the proxy with `token`, as keys and values. */
  gitConfigPairs(token: string): Array<[string, string]>;
};

export type ShipTarget = { userKey: string; workspace: string; dir: string; ids: AgentIds | null };
export type ShipOutcome<T> = { ok: true; value: T } | { ok: false; refusal: ShipRefusal };

/** Who the commit is from when the user set no identity (/git). */
const DEFAULT_IDENTITY = { name: "Agent relay", email: "agent-relay@users.noreply.github.com" };
/** What a workspace's own config could make git run, or send elsewhere, switched off. */
const SAFE_CONFIG = ["-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];
const PUSH_TIMEOUT_MS = 5 * 60_000;
/** A push's token outlives the push's timeout by this much at most (it is revoked when the push ends). */
const GRANT_SLACK_MS = 60_000;

type GitResult = { code: number; stdout: string; stderr: string };

function git(dir: string, ids: AgentIds | null, args: string[], env: Record<string, string> = {}, input?: string): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      { cwd: dir, env: { ...gitEnv(dir, false), ...env }, ...spawnIdsOf(ids), maxBuffer: 64 * 1024 * 1024, encoding: "utf8", timeout: PUSH_TIMEOUT_MS },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

const refused = (r: NamedRefusal, pushed?: boolean): { ok: false; refusal: ShipRefusal } => ({ ok: false, refusal: { error: "ship_refused", reason: r.reason, message: r.message, ...(pushed ? { pushed } : {}) } });

type Planned = ShipPlan & { title: string; pullBranchOpen: boolean; gitDir: string; compare: string };
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export function createShip(deps: ShipDeps) {
  const api = createGithubRest(deps, "agent-vm-ship");

  async function plan(t: ShipTarget, request: ShipRequest): Promise<ShipOutcome<Planned>> {
    const entry = deps.repos.of(t.userKey).find((e) => e.workspace === t.workspace);
    if (!entry || !deps.githubToken) return refused({ reason: "no_github_remote", message: "This conversation's workspace is not a clone of a GitHub repository the relay made, so there is nothing to push it to." });
    const repo = entry.repo;
    const about = await api("GET", `/repos/${repo}`);
    const seen = pullAnswerOf(about.status, about.json, repo);
    if (seen !== "ok") return refused(seen === "exists" ? { reason: "pull_failed", message: "unexpected answer" } : seen);
    const info = about.json as { default_branch?: string; permissions?: { push?: boolean } } | null;
    if (info?.permissions && info.permissions.push === false) return refused({ reason: "push_no_permission", message: `The VM's token may read ${repo} but not push to it.` });
    const base = info?.default_branch ?? entry.defaultBranch ?? "main";

    let pull: ShipPlan["pull"] = null;
    let closed: ShipPlan["closed"] = null;
    const used = [...(request.usedBranches ?? [])];
    if (request.pull) {
      const known = await api("GET", `/repos/${repo}/pulls/${request.pull.number}`);
      const answer = pullAnswerOf(known.status, known.json, repo);
      const pr = known.json as { state?: string; merged_at?: string | null; html_url?: string } | null;
      if (answer === "ok" && pr?.state === "open") pull = { number: request.pull.number, url: pr.html_url ?? "" };
      else if (answer === "ok") {
        closed = { number: request.pull.number, merged: Boolean(pr?.merged_at) };
        used.push(request.pull.branch);
      } else if (known.status === 401 || known.status === 403) return refused(answer === "exists" ? { reason: "pull_failed", message: "unexpected answer" } : answer);
      // 404 (the repository answered above): no such pull request any more; a new one is opened, its branch not reused.
      else if (known.status === 404) used.push(request.pull.branch);
    }
    // The conversation's branch as the server recorded it: what the workspace's HEAD names is the agent's to change.
    const branch = shipBranch({ workspace: request.conversation ?? t.workspace, recorded: entry.branch, defaultBranch: base, openPullBranch: pull ? (request.pull?.branch ?? null) : null, usedBranches: used });

    const gitDirOut = await git(t.dir, t.ids, ["rev-parse", "--git-dir"]);
    if (gitDirOut.code !== 0) return refused({ reason: "no_github_remote", message: "This conversation's workspace is no longer a git repository." });
    const gitDir = isAbsolute(gitDirOut.stdout.trim()) ? gitDirOut.stdout.trim() : join(t.dir, gitDirOut.stdout.trim());
    // What the work tree holds, as a tree, through an index of its own: the user's index is untouched.
    const index = { GIT_INDEX_FILE: join(gitDir, "relay-ship-index") };
    const headOut = await git(t.dir, t.ids, ["rev-parse", "--verify", "-q", "HEAD^{commit}"]);
    const head = headOut.code === 0 && SHA.test(headOut.stdout.trim()) ? headOut.stdout.trim() : null;
    if (head) await git(t.dir, t.ids, ["read-tree", head], index);
    await git(t.dir, t.ids, ["add", "-A", "."], index);
    const tree = (await git(t.dir, t.ids, ["write-tree"], index)).stdout.trim();
    // Removed as the user (never as root through a path the agent could have linked elsewhere).
    await new Promise((resolve) => execFile("rm", ["-f", index.GIT_INDEX_FILE], { ...spawnIdsOf(t.ids), env: userChildEnv({}) }, resolve));
    const remoteBranch = `refs/remotes/origin/${branch}`;
    const compare = (await git(t.dir, t.ids, ["rev-parse", "--verify", "-q", remoteBranch])).code === 0 ? remoteBranch : `refs/remotes/origin/${base}`;
    const diff = await git(t.dir, t.ids, ["diff", "--numstat", compare, tree]);
    if (diff.code !== 0 || !SHA.test(tree)) return refused({ reason: "push_failed", message: "The workspace's files could not be compared with the repository." });
    const totals = numstatTotals(diff.stdout);
    if (totals.files === 0) return refused({ reason: "nothing_to_ship", message: `Nothing to ship: the files are as ${branch === base || compare.endsWith(`/${base}`) ? base : branch} on ${repo} has them.` });
    const title = shipTitle(request.title, request.runs ?? [], request.conversation ?? t.workspace);
    return { ok: true, value: { repo, branch, base, ...totals, pull, closed, head, tree, title, pullBranchOpen: pull !== null, gitDir, compare } };
  }

  /** The commit pushed: the previewed HEAD when the agent committed everything itself, else a new commit of the previewed tree on it. */
  async function commit(t: ShipTarget, p: Planned, request: ShipRequest): Promise<string | null> {
    const headSha = p.head ?? "";
    const headTree = headSha ? (await git(t.dir, t.ids, ["rev-parse", `${headSha}^{tree}`])).stdout.trim() : "";
    if (headSha && headTree === p.tree) return headSha;
    const who = request.gitIdentity ?? DEFAULT_IDENTITY;
    const identity = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
    const made = await git(t.dir, t.ids, ["commit-tree", p.tree, ...(headSha ? ["-p", headSha] : []), "-F", "-"], identity, commitMessage(p.title, request.runs ?? []));
    return made.code === 0 ? made.stdout.trim() : null;
  }

  /**
   * The commit and all it reaches, packed as the workspace's user (its objects are that user's to
   * read) into a git directory of `gitIds`'s, which never reads the workspace itself: no config,
   * hook or alternate of the workspace's is used by the process that holds the push's token.
   */
  function copyObjects(t: ShipTarget, gitIds: AgentIds | null, bare: string, sha: string): Promise<GitResult> {
    return new Promise((resolve) => {
      const pack = spawn("git", [...SAFE_CONFIG, "pack-objects", "--revs", "--stdout", "-q"], { cwd: t.dir, env: gitEnv(t.dir, false), ...spawnIdsOf(t.ids), stdio: ["pipe", "pipe", "pipe"] });
      const index = spawn("git", ["--git-dir", bare, "index-pack", "--stdin"], { cwd: dirname(bare), env: gitEnv(dirname(bare), false), ...spawnIdsOf(gitIds), stdio: ["pipe", "ignore", "pipe"] });
      let stderr = "";
      const keep = (chunk: Buffer) => void (stderr = (stderr + chunk.toString("utf8")).slice(-4096));
      pack.stderr.on("data", keep);
      index.stderr.on("data", keep);
      pack.stdout.pipe(index.stdin);
      // A pipe that breaks (one side failed) is said by the exit codes below.
      index.stdin.on("error", () => undefined);
      pack.stdin.on("error", () => undefined);
      pack.stdin.end(`${sha}\n`);
      const codes = [pack, index].map((child) => new Promise<number>((done) => {
        child.on("error", () => done(1));
        child.on("close", (code) => done(code ?? 1));
      }));
      void Promise.all(codes).then(([packed, indexed]) => resolve({ code: packed === 0 && indexed === 0 ? 0 : 1, stdout: "", stderr }));
    });
  }

  /**
   * Pushes `sha` to the branch from a git directory of the server's, as the server's git uid where
   * agents have uids of their own: the push's proxy token, in that git's environment, is never in a
   * process an agent can read. The token may update this one branch of this one repository and
   * nothing else (core/server-git-scope.ts), and is revoked when the push ends.
   */
  async function push(t: ShipTarget, p: Planned, sha: string): Promise<GitResult> {
    const url = `${deps.githubUrl.replace(/\/+$/, "")}/${p.repo}.git`;
    const location = repoLocationOf(url);
    const grant = deps.proxy && location ? deps.proxy.grantServer({ kind: "push", ...location, branch: p.branch }, Date.now() + PUSH_TIMEOUT_MS + GRANT_SLACK_MS) : null;
    const gitIds = t.ids ? SERVER_GIT_IDS : null;
    const scratch = mkdtempSync(join(tmpdir(), "relay-ship-"));
    try {
      if (gitIds) chownSync(scratch, gitIds.uid, gitIds.gid);
      const bare = join(scratch, "push.git");
      const made = await git(scratch, gitIds, ["init", "-q", "--bare", bare]);
      if (made.code !== 0) return made;
      const copied = await copyObjects(t, gitIds, bare, sha);
      if (copied.code !== 0) return copied;
      const proxyEnv = grant && deps.proxy ? gitConfigEnv(deps.proxy.gitConfigPairs(grant.token)) : {};
      return await git(scratch, gitIds, ["--git-dir", bare, "-c", "credential.helper=", "push", "--porcelain", url, `${sha}:refs/heads/${p.branch}`], {
        ...gitEnv(scratch, false, true),
        ...proxyEnv,
      });
    } finally {
      grant?.revoke();
      // As its owner: the server may lack DAC_OVERRIDE (the image), and the git uid owns the directory it made in /tmp.
      if (gitIds) await removeTreeAs(gitIds, scratch);
      else rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** The workspace now stands on the shipped commit, on its branch, with a clean index; the files are not touched. */
  async function settle(t: ShipTarget, p: Planned, sha: string): Promise<void> {
    await git(t.dir, t.ids, ["update-ref", `refs/remotes/origin/${p.branch}`, sha]);
    await git(t.dir, t.ids, ["update-ref", `refs/heads/${p.branch}`, sha]);
    await git(t.dir, t.ids, ["symbolic-ref", "HEAD", `refs/heads/${p.branch}`]);
    await git(t.dir, t.ids, ["reset", "-q"]);
  }

  async function openOrUpdate(p: Planned, request: ShipRequest, workspace: string, ownPulls: readonly number[]): Promise<ShipOutcome<{ pull: ShipDone["pull"]; how: ShipDone["how"] }>> {
    const body = pullBody(request.runs ?? [], workspace);
    const asPull = (json: unknown) => {
      const pr = json as { number: number; html_url: string; title: string };
      return { number: pr.number, url: pr.html_url, title: pr.title };
    };
    const update = async (number: number, how: "adopted" | "updated"): Promise<ShipOutcome<{ pull: ShipDone["pull"]; how: ShipDone["how"] }>> => {
      const patched = await api("PATCH", `/repos/${p.repo}/pulls/${number}`, { body, ...(request.title ? { title: p.title } : {}) });
      const answer = pullAnswerOf(patched.status, patched.json, p.repo);
      if (answer !== "ok") return refused(answer === "exists" ? { reason: "pull_failed", message: "unexpected answer" } : answer, true);
      return { ok: true, value: { pull: asPull(patched.json), how } };
    };
    if (p.pull) return update(p.pull.number, "updated");
    const created = await api("POST", `/repos/${p.repo}/pulls`, { title: p.title, head: p.branch, base: p.base, body });
    const answer = pullAnswerOf(created.status, created.json, p.repo);
    if (answer === "ok") return { ok: true, value: { pull: asPull(created.json), how: "created" } };
    if (answer !== "exists") return refused(answer, true);
    // GitHub's 422: an open pull request has this branch already (opened by hand, or a lost answer): it is the conversation's.
    const owner = p.repo.split("/")[0] ?? "";
    const listed = await api("GET", `/repos/${p.repo}/pulls?state=open&head=${encodeURIComponent(`${owner}:${p.branch}`)}`);
    const found = Array.isArray(listed.json) ? (listed.json[0] as { number?: number } | undefined) : undefined;
    if (!found?.number) return refused({ reason: "pull_failed", message: `GitHub says a pull request for ${p.branch} exists, but did not list it.` }, true);
    // Only one /ship opened itself (its answer lost): a pull request someone else opened is never adopted or edited.
    if (!ownPulls.includes(found.number)) {
      return refused({ reason: "pull_not_ours", message: `pull request #${found.number} for ${p.branch} on ${p.repo} was not opened by the relay, so it was left alone.` }, true);
    }
    return update(found.number, "adopted");
  }

  return {
    async preview(t: ShipTarget, request: ShipRequest): Promise<ShipOutcome<ShipPlan>> {
      const planned = await plan(t, request);
      if (!planned.ok) return planned;
      const { repo, branch, base, files, insertions, deletions, pull, closed, head, tree } = planned.value;
      return { ok: true, value: { repo, branch, base, files, insertions, deletions, pull, closed, head, tree } };
    },
    async ship(t: ShipTarget, request: ShipRequest): Promise<ShipOutcome<ShipDone>> {
      const planned = await plan(t, request);
      if (!planned.ok) return planned;
      const p = planned.value;
      // What the user agreed to, or nothing is pushed.
      const changed = request.expected ? previewChange(request.expected, p) : null;
      if (changed) return refused({ reason: "preview_changed", message: changed });
      const sha = await commit(t, p, request);
      if (!sha) return refused({ reason: "push_failed", message: "The change could not be committed in the workspace." });
      const pushed = await push(t, p, sha);
      if (pushed.code !== 0) return refused(pushRefusalOf(`${pushed.stderr}\n${pushed.stdout}`, p.branch, p.repo));
      await settle(t, p, sha);
      const entry = deps.repos.of(t.userKey).find((e) => e.workspace === t.workspace);
      if (entry && entry.branch !== p.branch) deps.repos.record(t.userKey, t.workspace, `${deps.githubUrl.replace(/\/+$/, "")}/${p.repo}.git`, p.branch, entry.defaultBranch ?? p.base);
      const pr = await openOrUpdate(p, request, request.conversation ?? t.workspace, entry?.pulls ?? []);
      if (!pr.ok) return pr;
      if (pr.value.how === "created") deps.repos.recordPull(t.userKey, t.workspace, pr.value.pull.number);
      const { repo, branch, base, files, insertions, deletions, closed } = p;
      return { ok: true, value: { repo, branch, base, files, insertions, deletions, headSha: sha, pull: pr.value.pull, how: pr.value.how, closed } };
    },
  };
}
export type Ship = ReturnType<typeof createShip>;
