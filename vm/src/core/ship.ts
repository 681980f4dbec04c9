// /ship decided, pure: which branch a conversation's work goes to, the commit message and the pull
// request's text from its runs, and GitHub's refusals (git's stderr, the REST API's status and
// body) named as ShipRefusalReasons. The shell (ship.ts) runs git and calls the API.
import type { ShipRefusalReason, ShipRun } from "../../../src/protocol/vm/ship";

/** A conversation's name as a branch name's part: `My API!` → `my-api`. */
export function branchPart(name: string): string {
  const part = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/\.{2,}/g, ".").replace(/^[-.]+|[-.]+$/g, "").slice(0, 60);
  return part === "" ? "work" : part;
}

/**
 * The branch a /ship pushes to: the open pull request's; else the branch the server recorded as
 * the conversation's (cloned on a branch other than the default, or shipped to before), never the
 * workspace's HEAD, which its agent could point at anyone's branch; else `agent/<name>` (the
 * conversation's name, or the workspace id), or `-2`, `-3`… past the branches of pull requests
 * closed or merged, never pushed to again.
 */
export function shipBranch(s: { workspace: string; recorded: string | null; defaultBranch: string; openPullBranch: string | null; usedBranches: readonly string[] }): string {
  if (s.openPullBranch) return s.openPullBranch;
  const name = branchPart(s.workspace);
  const used = new Set(s.usedBranches);
  // The recorded branch is kept while its pull request is open or yet to be opened.
  if (s.recorded && s.recorded !== s.defaultBranch && !used.has(s.recorded)) return s.recorded;
  let candidate = `agent/${name}`;
  for (let n = 2; used.has(candidate); n++) candidate = `agent/${name}-${n}`;
  return candidate;
}

/** What changed since the preview the user agreed to, as one line; null when nothing did. */
export function previewChange(agreed: { repo: string; branch: string; head: string | null; tree: string }, now: { repo: string; branch: string; head: string | null; tree: string }): string | null {
  const short = (sha: string | null) => (sha ? sha.slice(0, 7) : "none");
  if (agreed.repo !== now.repo) return `the repository changed since the preview (${agreed.repo}, now ${now.repo}). Send /ship again to see what would go.`;
  if (agreed.branch !== now.branch) return `the branch changed since the preview (${agreed.branch}, now ${now.branch}). Send /ship again to see what would go.`;
  if (agreed.head !== now.head) return `the workspace's commit changed since the preview (${short(agreed.head)}, now ${short(now.head)}). Send /ship again to see what would go.`;
  if (agreed.tree !== now.tree) return "the files changed since the preview. Send /ship again to see what would go.";
  return null;
}

const CHECK_WORDS = /\b(tests?|specs?|typecheck(?:ed|s)?|type[- ]check(?:ed|s)?|lint(?:ed|s)?|vitest|jest|pytest|cargo test|go test|npm (?:run )?test|build(?:s)?|compiles?|CI)\b/i;
const OUTCOME_WORDS = /\b(pass(?:es|ed|ing)?|green|succeed(?:s|ed)?|fail(?:s|ed|ing)?|ran|run|all \d+|\d+ (?:passed|tests?))\b/i;

/** The sentence of the agent's reply that says how the work was checked (tests run, a build), or null when it said nothing of the kind. */
export function checkedOf(said: string | undefined): string | null {
  if (!said) return null;
  const sentences = said
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/^[\s*>#-]+/, "").trim())
    .filter((s) => s.length > 0 && s.length <= 300);
  return sentences.find((s) => CHECK_WORDS.test(s) && OUTCOME_WORDS.test(s)) ?? null;
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The pull request's title: the user's, else the first run's words. */
export function shipTitle(title: string | undefined, runs: readonly ShipRun[], workspace: string): string {
  if (title?.trim()) return oneLine(title, 200);
  const first = runs[0]?.asked;
  return first ? oneLine(first, 72) : `Work from conversation ${workspace}`;
}

/** The commit message: the title, then what was asked run by run and how it was checked. */
export function commitMessage(title: string, runs: readonly ShipRun[]): string {
  const lines = runs.map((r) => `- ${oneLine(r.asked, 120)}`);
  const checked = runs.map((r) => checkedOf(r.said)).filter((c): c is string => c !== null);
  const parts = [title];
  if (lines.length > 0) parts.push(`Asked, run by run:\n${lines.join("\n")}`);
  if (checked.length > 0) parts.push(`Checked:\n${checked.map((c) => `- ${oneLine(c, 200)}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}

/** The pull request's body (rewritten on each /ship, so it covers every run of the pull request). */
export function pullBody(runs: readonly ShipRun[], workspace: string): string {
  const asked = runs.length > 0 ? runs.map((r, i) => `${i + 1}. ${oneLine(r.asked, 200)}`).join("\n") : "_The runs were not recorded._";
  const checked = runs.map((r) => checkedOf(r.said)).filter((c): c is string => c !== null);
  const how = checked.length > 0 ? checked.map((c) => `- ${oneLine(c, 300)}`).join("\n") : "_The agent did not say how it checked the work._";
  return `## What was asked, run by run\n\n${asked}\n\n## How it was checked\n\n${how}\n\n---\nShipped with /ship from the conversation \`${workspace}\` by the agent relay.\n`;
}

export type NamedRefusal = { reason: ShipRefusalReason; message: string };

/** A refused `git push`, named from git's stderr (GitHub's `remote:` lines and git's own). */
export function pushRefusalOf(stderr: string, branch: string, repo: string): NamedRefusal {
  if (/protected branch|GH006|GH013|push declined due to repository rule/i.test(stderr)) return { reason: "push_protected", message: `GitHub refused the push: ${branch} is a protected branch on ${repo}.` };
  if (/non-fast-forward|\(fetch first\)|\[rejected\].*\(stale info\)|Updates were rejected because the (?:tip|remote)/i.test(stderr)) {
    return { reason: "push_non_fast_forward", message: `GitHub refused the push: ${branch} on ${repo} has commits this workspace does not have (someone pushed to it).` };
  }
  if (/Permission to \S+ denied|denied to \S+|returned error: 403|write access to repository not granted/i.test(stderr)) {
    return { reason: "push_no_permission", message: `GitHub refused the push: the VM's token may not push to ${repo}.` };
  }
  if (/Repository not found|returned error: 404|Authentication failed|returned error: 401/i.test(stderr)) {
    return { reason: "token_scope", message: `GitHub refused the push: the VM's token cannot reach ${repo}.` };
  }
  const last = stderr.trim().split("\n").filter((l) => !/^(?:To |hint:)/.test(l)).at(-1) ?? "";
  return { reason: "push_failed", message: oneLine(`The push to ${branch} on ${repo} failed: ${last || "git gave no reason"}`, 300) };
}

/** What GitHub's answer to a pull-request call means: done, a pull request to adopt (422, one exists), or a named refusal. */
export function pullAnswerOf(status: number, body: unknown, repo: string): "ok" | "exists" | NamedRefusal {
  if (status >= 200 && status < 300) return "ok";
  const text = JSON.stringify(body ?? "");
  if (status === 422 && /A pull request already exists/i.test(text)) return "exists";
  if (status === 422 && /No commits between/i.test(text)) return { reason: "nothing_to_ship", message: `The branch has no commits that ${repo}'s base lacks.` };
  if (status === 401 || status === 403 || status === 404) {
    return { reason: "token_scope", message: `GitHub answered ${status}: the VM's token cannot open pull requests on ${repo} (a fine-grained token needs "Pull requests: write" and "Contents: write" on it).` };
  }
  const said = typeof body === "object" && body !== null && "message" in body && typeof body.message === "string" ? body.message : `HTTP ${status}`;
  return { reason: "pull_failed", message: oneLine(`GitHub refused the pull request: ${said}`, 300) };
}

/** `git diff --numstat` → totals; a binary file (`-\t-`) counts as a file with no lines. */
export function numstatTotals(numstat: string): { files: number; insertions: number; deletions: number } {
  const rows = numstat.split("\n").filter((l) => l.trim() !== "");
  let insertions = 0;
  let deletions = 0;
  for (const row of rows) {
    const [added, removed] = row.split("\t");
    insertions += Number.parseInt(added ?? "", 10) || 0;
    deletions += Number.parseInt(removed ?? "", 10) || 0;
  }
  return { files: rows.length, insertions, deletions };
}
