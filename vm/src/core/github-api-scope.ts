// Which GitHub REST calls an agent's gh may make through the credential proxy, by method and path,
// pure: on the repositories of the user's conversations, reading the repository, its issues, pull
// requests and checks, commenting, and opening and updating pull requests of its own branches.
// Never collaborators, keys, hooks, secrets, Actions settings, another repository or the account.
import type { Decision, GhDecision, GithubScope } from "./github-scope";

/** What a repository's reads may cover: its code, history, issues, pull requests and CI. */
const READABLE = /^(?:|\/(?:branches|commits|compare|contents|readme|git|issues|pulls|check-runs|check-suites|statuses|status|labels|milestones|tags|languages|releases|topics|contributors|actions\/runs|actions\/jobs|actions\/workflows)(?:\/.*)?)$/;
/** Settings and credentials of a repository, named in the refusal so the agent knows why. */
const SETTINGS = /^\/(collaborators|invitations|keys|hooks|actions(?!\/(?:runs|jobs|workflows)(?:\/|$))|secrets|dependabot|codespaces|environments|deployments|pages|rulesets|transfer|teams|autolinks|vulnerability-alerts|branches\/[^/]+\/protection)(?:\/|$)/i;
/** Inside a readable subtree, still settings. */
const SETTINGS_WITHIN = /\/(?:protection|secrets|variables|permissions)(?:\/|$)/i;

const refuse = (why: string): Decision => ({ allow: false, why });
const ALLOW: Decision = { allow: true };

export const WHAT_PASSES =
  "it passes only what a coding agent needs on the repositories of your conversations: reading the repository, its issues, pull requests and checks; commenting; opening and updating pull requests of the conversation's own branch";

export function ghApiDecision(scope: GithubScope, method: string, path: string): GhDecision {
  const verb = method.toUpperCase();
  if (verb === "GET" && (path === "/user" || path === "/rate_limit" || path === "/meta")) return ALLOW;
  if (verb === "POST" && path === "/graphql") return { allow: "graphql" };
  const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return refuse(`${verb} ${path} is not about a repository of your conversations`);
  const name = `${match[1]}/${match[2]}`.toLowerCase();
  const rest = (match[3] ?? "").replace(/\/+$/, "");
  const repo = scope.repos.find((r) => r.repo === name);
  if (!repo) return refuse(`${name} is not the repository of one of your conversations`);
  const settings = SETTINGS.exec(rest);
  if (settings || (rest !== "" && SETTINGS_WITHIN.test(rest))) return refuse(`${verb} ${path} touches the repository's settings (${settings?.[1] ?? "protection, secrets or permissions"})`);
  if (verb === "GET" || verb === "HEAD") return READABLE.test(rest) ? ALLOW : refuse(`${verb} ${path} is not a read of code, issues, pull requests or checks`);
  if (verb === "POST" && /^\/(?:issues|pulls)\/\d+\/comments$/.test(rest)) return ALLOW;
  if (verb === "POST" && /^\/pulls\/\d+\/comments\/\d+\/replies$/.test(rest)) return ALLOW;
  // A pull request is the presenting run's change: of its own conversation's repository and branches.
  const own = scope.repos.find((r) => r.repo === name && r.ofRun);
  const pull = /^\/pulls\/(\d+)$/.exec(rest);
  if ((verb === "POST" && rest === "/pulls") || (verb === "PATCH" && pull)) {
    if (!own) return refuse(`a pull request of ${name} is opened or changed only from a run of that repository's own conversation`);
    return pull ? { allow: "own_pull", repo: own, number: Number(pull[1]) } : { allow: "pull_create", repo: own };
  }
  return refuse(`${verb} ${path} is not one of the changes an agent may make`);
}

/** `head` of a pull request to open: `branch` or `owner:branch`, one of the conversation's own branches on that repository. */
export function pullCreateDecision(repo: { repo: string; ownBranches: string[] }, body: unknown): Decision {
  const head = typeof body === "object" && body !== null && "head" in body ? (body as { head: unknown }).head : undefined;
  if (typeof head !== "string") return refuse("a pull request needs a head branch");
  const colon = head.indexOf(":");
  const owner = colon >= 0 ? head.slice(0, colon).toLowerCase() : null;
  const branch = colon >= 0 ? head.slice(colon + 1) : head;
  if (owner !== null && owner !== repo.repo.split("/")[0]) return refuse(`the head ${head} is not a branch of ${repo.repo}`);
  return repo.ownBranches.includes(branch) ? ALLOW : refuse(`a pull request may come only from the conversation's own branch (${repo.ownBranches.join(", ")}), not ${branch}`);
}

/** An existing pull request may be changed when its head is one of the conversation's own branches, in that repository. */
export function ownPullDecision(repo: { repo: string; ownBranches: string[] }, pull: { head?: { ref?: unknown; repo?: { full_name?: unknown } | null } } | null): Decision {
  const ref = pull?.head?.ref;
  const from = pull?.head?.repo?.full_name;
  if (typeof ref !== "string" || typeof from !== "string") return refuse("the pull request could not be read");
  if (from.toLowerCase() !== repo.repo || !repo.ownBranches.includes(ref)) return refuse(`the pull request's branch ${ref} is not the conversation's own (${repo.ownBranches.join(", ")})`);
  return ALLOW;
}
