// Every message the relay itself (not the agent) sends to the user, in one place.
import type { GiveUpReason } from "./run-policy";

export const ACK_QUEUED = "Got it, I'll process this next.";

export const SESSION_LOST =
  "I couldn't find your earlier conversation on the agent, so I started a fresh one. The earlier context is lost.";

const EXCERPT_CHARS = 60;

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > EXCERPT_CHARS ? `${oneLine.slice(0, EXCERPT_CHARS - 1)}…` : oneLine;
}

/** What the user reads when a run ends without an answer; `firstMessage` names what was lost. */
export function giveUpNotice(reason: GiveUpReason, firstMessage: string | null): string {
  const which = firstMessage ? ` “${excerpt(firstMessage)}”` : "";
  switch (reason) {
    case "failed_after_retries":
      return `⚠️ I couldn't reach your agent after 6 attempts, so your message${which} was not processed. Send it again to retry.`;
    case "interrupted":
      return "⚠️ Your agent was interrupted before it finished. What it sent above is all it produced; send a message to continue.";
    case "auth_failed":
      return `⚠️ Your agent can't sign in to Anthropic (authentication failed), so your message${which} was not processed. The operator has to fix the API key; then send it again.`;
    case "misconfigured":
      return `⚠️ Your agent is misconfigured, so your message${which} was not processed. The operator has been told; send it again once it is fixed.`;
    case "time_limit":
      return "⚠️ Your agent hit its time limit and was stopped. Send a message to continue where it left off.";
    case "cancelled":
      return "Cancelled.";
  }
}

/** A turn the agent itself reported as an error still reaches the user, marked as such. */
export function agentErrorReply(text: string): string {
  return `⚠️ The agent reported an error: ${text.trim() || "no details"}`;
}

const TASK_FAILURE_WHY: Partial<Record<GiveUpReason, string>> = {
  auth_failed: "the agent can't sign in to Anthropic",
  misconfigured: "the agent is misconfigured",
  time_limit: "it hit its time limit",
};

/** A scheduled task failed; said once per streak of failures, while it keeps being retried. */
export function taskFailureNotice(taskIds: readonly number[], reason: GiveUpReason): string {
  const which = taskIds.map((id) => `#${id}`).join(", ");
  const why = TASK_FAILURE_WHY[reason] ?? "the agent could not be reached or crashed";
  return `⚠️ Scheduled task ${which} failed (${why}). I'll keep retrying it (30 s, 1 min, 5 min, 15 min, 1 h) and won't message you about it again until it succeeds. /schedules shows its state.`;
}
