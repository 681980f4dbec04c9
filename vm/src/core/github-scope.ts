// What an agent may do on GitHub through the credential proxy, pure: the repositories of its
// user's conversations (their workspaces' clone remotes) and, there, what a coding agent needs.
// Reads reach every conversation's repository of the user; changes are judged by the one run that
// presents the token. git: fetches, and pushes only to a branch of that run's conversation, only
// when that run asks the user before each command; gh: reading, commenting, and opening and
// updating pull requests of that conversation's branches.

/** A workspace of the user whose remote is on the GitHub host. */
export type ScopedRepo = {
  /** `owner/name`, lowercased. */
  repo: string;
  workspace: string;
  /** The branches a push may update: `agent/<workspace>`, and the workspace's own non-default branch. */
  ownBranches: string[];
  /** The workspace of the run that presents the token: its conversation's. */
  ofRun: boolean;
};
/** `runAsks`: the run that presents the token asks the user before each command it runs (approvals on). */
export type GithubScope = { repos: ScopedRepo[]; runAsks: boolean };

export type Decision = { allow: true } | { allow: false; why: string };
/** A gh request the path alone does not settle: the proxy reads the body, or asks GitHub whose the pull request is. */
export type GhDecision = Decision | { allow: "pull_create"; repo: ScopedRepo } | { allow: "own_pull"; repo: ScopedRepo; number: number } | { allow: "graphql" };

const refuse = (why: string): Decision => ({ allow: false, why });
const ALLOW: Decision = { allow: true };

/** `owner/name` of a URL on the GitHub host (`https://github.com/o/r(.git)`, or `git@github.com:o/r`), lowercased; null elsewhere. */
export function repoOfUrl(url: string, githubUrl: string): string | null {
  const host = new URL(githubUrl).host.toLowerCase();
  const scp = /^[A-Za-z0-9_.-]+@([^:/]+):([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  if (scp) return scp[1]?.toLowerCase() === host ? `${scp[2]}/${scp[3]}`.toLowerCase() : null;
  try {
    const parsed = new URL(url);
    if (parsed.host.toLowerCase() !== host) return null;
    const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(parsed.pathname);
    return match ? `${match[1]}/${match[2]}`.toLowerCase() : null;
  } catch {
    return null;
  }
}

export function ownBranchesOf(workspace: string, branch: string | null, defaultBranch: string | null): string[] {
  const own = [`agent/${workspace}`];
  if (branch && defaultBranch && branch !== defaultBranch && !own.includes(branch)) own.push(branch);
  return own;
}

/** The repository a git smart-HTTP path names (`/o/r(.git)/info/refs`…), lowercased. */
export function repoOfGitPath(path: string): string | null {
  const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(?:info\/refs|git-upload-pack|git-receive-pack)$/.exec(path);
  return match ? `${match[1]}/${match[2]}`.toLowerCase() : null;
}

const NOT_YOURS = "it is not the repository of one of your conversations (only the repositories the relay cloned for you are reachable)";

/** The repository of a git request, and whether the request starts or is a push. */
export function gitDecision(scope: GithubScope, path: string, search: string): { decision: Decision; repo: ScopedRepo | null; push: boolean } {
  const name = repoOfGitPath(path);
  const push = path.endsWith("/git-receive-pack") || new URLSearchParams(search).get("service") === "git-receive-pack";
  const repos = scope.repos.filter((r) => r.repo === name);
  if (!name || repos.length === 0) return { decision: refuse(`${name ?? path}: ${NOT_YOURS}`), repo: null, push };
  if (!push) return { decision: ALLOW, repo: repos[0] ?? null, push };
  const own = repos.find((r) => r.ofRun);
  if (!own) return { decision: refuse(`a push to ${name} goes only from a run of that repository's own conversation, or through /ship`), repo: null, push };
  if (!scope.runAsks) return { decision: refuse(`a push to ${name} goes only from a run that asks you before each command (approvals on), or through /ship`), repo: null, push };
  return { decision: ALLOW, repo: own, push };
}

export type RefUpdate = { old: string; new: string; ref: string };
const ZERO = /^0{40}(?:0{24})?$/;

/**
 * Each ref a push to `repo` would change, allowed only when it is a branch of the presenting run's
 * conversation (and that run asks before each command), and is not deleted.
 */
export function pushDecision(scope: GithubScope, repo: string | null, updates: readonly RefUpdate[]): Map<string, Decision> {
  const runs = scope.repos.filter((r) => r.repo === repo && r.ofRun);
  const own = new Set(scope.runAsks ? runs.flatMap((r) => r.ownBranches.map((b) => `refs/heads/${b}`)) : []);
  const named = runs.flatMap((r) => r.ownBranches).join(", ");
  return new Map(
    updates.map((update): [string, Decision] => {
      if (!own.has(update.ref)) return [update.ref, refuse(`the relay's proxy lets an agent push only to its conversation's branch (${named})`)];
      if (ZERO.test(update.new)) return [update.ref, refuse("the relay's proxy does not delete branches")];
      return [update.ref, ALLOW];
    }),
  );
}

/**
 * The commands at the head of a receive-pack request: pkt-lines `old new ref[\0caps]` up to a
 * flush. `incomplete`: more bytes needed; `invalid`: not that shape (a push certificate, a shallow
 * line): refused rather than guessed at.
 */
export function receivePackCommands(head: Buffer): { updates: RefUpdate[]; capabilities: string[] } | "incomplete" | "invalid" {
  const updates: RefUpdate[] = [];
  let capabilities: string[] = [];
  let at = 0;
  for (;;) {
    if (head.length < at + 4) return "incomplete";
    const size = Number.parseInt(head.subarray(at, at + 4).toString("latin1"), 16);
    if (Number.isNaN(size) || (size > 0 && size < 4)) return "invalid";
    if (size === 0) return updates.length > 0 ? { updates, capabilities } : "invalid";
    if (head.length < at + size) return "incomplete";
    let line = head.subarray(at + 4, at + size).toString("utf8").replace(/\n$/, "");
    const nul = line.indexOf("\0");
    if (nul >= 0) {
      if (updates.length === 0) capabilities = line.slice(nul + 1).split(" ").filter(Boolean);
      line = line.slice(0, nul);
    }
    const match = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs\/\S+)$/.exec(line);
    if (!match) return "invalid";
    updates.push({ old: match[1] ?? "", new: match[2] ?? "", ref: match[3] ?? "" });
    at += size;
  }
}

function pkt(data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
}

/**
 * receive-pack's answer refusing every ref (git prints `! [remote rejected] <ref> (<why>)`), with
 * the reason also as a `remote:` line when the client takes side-band: what the agent reads.
 */
export function receivePackRefusal(updates: readonly RefUpdate[], decisions: Map<string, Decision>, capabilities: readonly string[]): Buffer {
  const reason = (ref: string) => {
    const decision = decisions.get(ref);
    return decision && decision.allow === false ? decision.why : "refused with the others of this push";
  };
  const report = Buffer.concat([pkt("unpack ok\n"), ...updates.map((u) => pkt(`ng ${u.ref} ${reason(u.ref).replace(/\n/g, " ")}\n`)), Buffer.from("0000")]);
  const sideband = capabilities.includes("side-band-64k") || capabilities.includes("side-band");
  if (!sideband) return report;
  const max = capabilities.includes("side-band-64k") ? 65515 : 995;
  const chunks: Buffer[] = [];
  const firstWhy = updates.map((u) => reason(u.ref)).find(Boolean) ?? "";
  chunks.push(pkt(Buffer.concat([Buffer.from([2]), Buffer.from(`refused by the relay's credential proxy: ${firstWhy}\n`)])));
  for (let at = 0; at < report.length; at += max) chunks.push(pkt(Buffer.concat([Buffer.from([1]), report.subarray(at, at + max)])));
  return Buffer.concat([...chunks, Buffer.from("0000")]);
}
