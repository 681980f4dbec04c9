// Why a clone failed, read from git's stderr (English: the VM runs git with LC_ALL=C), and the
// one line the user is told. Pure; the messages are the ones observed from git 2.39 (docs/vm.md).
import type { CloneFailureReason } from "../../../src/protocol/vm/workspaces";

/** First match wins: a missing branch or repository before the network, auth before "not found". */
const PATTERNS: Array<[Exclude<CloneFailureReason, "too_large" | "timeout" | "exists">, RegExp]> = [
  ["url_refused", /transport '[^']*' not allowed|strange (hostname|pathname) .* blocked/],
  ["auth_refused", /could not read (Username|Password)|terminal prompts disabled|Authentication failed|Permission denied \(|Host key verification failed|returned error: 40[13]\b/],
  ["not_found", /Remote branch .* not found|repository '.*' (not found|does not exist)|does not appear to be a git repository|Repository not found|returned error: 404\b/],
  ["network", /Could not resolve host|Failed to connect|Connection (refused|timed out|reset)|Network is unreachable|Operation timed out|SSL|TLS|early EOF|RPC failed|returned error: 5\d\d\b/],
];

export function cloneFailureOf(stderr: string): Exclude<CloneFailureReason, "too_large" | "timeout" | "exists"> {
  for (const [reason, pattern] of PATTERNS) if (pattern.test(stderr)) return reason;
  return "failed";
}

export type CloneLimits = { timeoutMs: number; maxMb: number };

/**
 * One short line for the user: the VM's own words, never git's output (it may name a URL).
 * `why`: the clone policy's reason for a refused URL or branch (its words never quote the URL).
 */
export function cloneFailureMessage(reason: CloneFailureReason, limits: CloneLimits, why?: string): string {
  switch (reason) {
    case "url_refused":
      return `That repository URL is not allowed${why ? ` (${why})` : ""}: use https://host/owner/repo or git@host:owner/repo.`;
    case "not_found":
      return "The repository or branch was not found.";
    case "auth_refused":
      return "The repository needs credentials the agent does not have, or they were refused (a private repository needs the operator's GITHUB_TOKEN or GIT_CREDENTIALS).";
    case "network":
      return "The repository's host could not be reached.";
    case "too_large":
      return `The repository is larger than ${limits.maxMb} MB, so the clone was stopped.`;
    case "timeout":
      return `The clone took longer than ${Math.max(1, Math.round(limits.timeoutMs / 60_000))} min, so it was stopped.`;
    case "exists":
      return "That conversation's folder already holds something else.";
    case "failed":
      return "git could not clone the repository.";
  }
}
