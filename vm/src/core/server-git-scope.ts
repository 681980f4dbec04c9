// What a token of the server's own git work may do through the credential proxy, pure: a clone's
// token fetches its one repository; a push's token updates one branch of one repository and
// deletes nothing. Nothing else (no other repository, no gh, no model): a token the server hands
// to a git process is worth no more than that process's one job, should it ever leak.
import type { Decision, RefUpdate } from "./github-scope";

/** One operation's grant: `host` as in the proxy's git route (`host[:port]`), `repoPath` like `/owner/name` (lowercased, no `.git`). */
export type ServerGitGrant = { kind: "fetch"; host: string; repoPath: string } | { kind: "push"; host: string; repoPath: string; branch: string };

const ALLOW: Decision = { allow: true };
const refuse = (why: string): Decision => ({ allow: false, why });

/** `host[:port]` and `/owner/name` of an http(s) repository URL; null for anything else. */
export function repoLocationOf(url: string): { host: string; repoPath: string } | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
    const repoPath = parsed.pathname.replace(/\/+$/, "").replace(/\.git$/, "").toLowerCase();
    if (repoPath === "" || repoPath.split("/").some((s) => s === "." || s === "..")) return null;
    return { host: parsed.host.toLowerCase(), repoPath };
  } catch {
    return null;
  }
}

const SERVICES = { fetch: "git-upload-pack", push: "git-receive-pack" } as const;

/** A request of the git route (`host`, the path after it, the query) against the grant: its one repository and its one service. */
export function serverGitDecision(grant: ServerGitGrant, host: string, path: string, search: string): Decision {
  const service = SERVICES[grant.kind];
  const match = /^(\/.+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(path);
  const asked = match?.[2] === "info/refs" ? new URLSearchParams(search).get("service") : match?.[2];
  if (host.toLowerCase() !== grant.host || !match || match[1]?.toLowerCase() !== grant.repoPath) {
    return refuse(`this token of the VM's own git work is for ${grant.host}${grant.repoPath} only`);
  }
  if (asked !== service) return refuse(`this token of the VM's own git work may only ${grant.kind} (${service})`);
  return ALLOW;
}

const ZERO = /^0+$/;

/** A push's ref updates against the grant: `refs/heads/<branch>` alone, never deleted. */
export function serverPushDecision(grant: ServerGitGrant, updates: readonly RefUpdate[]): Map<string, Decision> {
  return new Map(
    updates.map((update): [string, Decision] => {
      if (grant.kind !== "push") return [update.ref, refuse("this token of the VM's own git work does not push")];
      if (update.ref !== `refs/heads/${grant.branch}`) return [update.ref, refuse(`this push may update ${grant.branch} only`)];
      if (ZERO.test(update.new)) return [update.ref, refuse("this push may not delete a branch")];
      return [update.ref, ALLOW];
    }),
  );
}
