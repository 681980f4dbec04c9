// What a run started by an event (a GitHub event, a trigger, a "Fix it") may do unasked, and how
// its words name the event. Its prompt is someone else's text: it asks before every action that
// is not read-only, whatever the conversation's mode and "always" rules, unless every event it
// carries comes from a repository the user trusted (`/github trust`). Pure.
import type { ApprovalsOption } from "../protocol/vm/approvals";
import type { GithubPermission } from "../protocol/vm/github-permission";

/** An event a run carries: how it is named, and the repository whose trust it needs (null: a trigger, never trusted). */
export type RunEvent = { label: string; repo: string | null };

/**
 * The run's `options.approvals`: the conversation's (`conversation`, absent when its mode is off)
 * for a run the user wrote or whose every event is trusted; otherwise every action asks, with
 * the user's rules set aside and nothing remembered.
 */
export function runApprovals(conversation: ApprovalsOption | undefined, events: readonly RunEvent[], trusted: (repo: string) => boolean, timeoutMs: number): ApprovalsOption | undefined {
  if (events.every((e) => e.repo !== null && trusted(e.repo))) return conversation;
  return { mode: "on", timeoutMs, untrusted: true };
}

/**
 * Whether GitHub's collaborator permission lets its holder ask for a run with `/agent`: write
 * access or more. Triage (which can label) and read cannot; an unanswered check (null) cannot.
 */
export function canAskAgent(permission: GithubPermission["permission"]): boolean {
  return permission === "write" || permission === "maintain" || permission === "admin";
}

/** `[acme/api#12 issue] ` before what a run of that event says; empty for the user's own runs. */
export function eventPrefix(events: readonly RunEvent[]): string {
  const labels = [...new Set(events.map((e) => e.label))];
  return labels.length === 0 ? "" : `[${labels.join(", ")}] `;
}
