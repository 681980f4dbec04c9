// What the relay says on its own (not the agent, and not a command's answer, which lives with its
// command): acknowledgements, failures, lost sessions, undeliverable replies, the VM's health.
import { formatUsd } from "./format-ago";
import type { GiveUpReason } from "./run-policy";

/** The one acknowledgement of messages that arrive while the agent works; says how many wait. */
export function ackQueued(waiting: number): string {
  return waiting <= 1 ? "Got it, I'll process this next." : `Got it: ${waiting} messages are waiting, and I'll process them next.`;
}

/** A reply Twilio refused for good (a permanent error); the agent's answer is not resent. */
export function deliveryFailedNotice(errorCode: string): string {
  return `⚠️ One of my replies could not be delivered (Twilio error ${errorCode}). Ask again if you need it.`;
}

export const SESSION_LOST =
  "I couldn't find your earlier conversation on the agent, so I started a fresh one. The earlier context is lost.";

/** The session was lost, and the fresh one starts with the chat's last exchanges. */
export function sessionRestoredNotice(exchanges: number): string {
  return `I couldn't find your earlier session on the agent, so I started a fresh one and gave it the last ${exchanges} exchange${exchanges === 1 ? "" : "s"} of this chat to carry on from.`;
}

/** A clone whose instance died before it finished. */
export function cloneInterruptedNotice(name: string): string {
  return `⚠️ Cloning the repository for ${name} was interrupted, so ${name} was not created. Send the /new command again.`;
}

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

export type VmHealthReport =
  | { ok: true; ms: number; problem: string | null }
  | { ok: false; failure: string; detail: string };

/**
 * /vm and /status vm: whether the VM answers, and the configuration problem it knows of; in
 * words for admins (`detail`), as a fact for users (it is the operator's to fix).
 */
export function vmHealthNotice(health: VmHealthReport | null, detail = true): string {
  if (!health) return "The agent VM is not configured (VM_URL, VM_TOKEN).";
  if (!health.ok) return detail ? `The agent VM did not answer: ${health.failure} (${health.detail.slice(0, 120)}).` : `The agent VM did not answer (${health.failure}).`;
  if (health.problem) return detail ? `The agent VM answered in ${health.ms} ms, but it cannot run the agent: ${health.problem.slice(0, 300)}` : `The agent VM answered in ${health.ms} ms, but it cannot run the agent right now; the operator has been told.`;
  return `The agent VM answered in ${health.ms} ms.`;
}

/** Over MAX_MESSAGES_PER_MINUTE: said once a minute while the user stays over it. */
export function rateLimitedNotice(limit: number): string {
  return `You're sending more than ${limit} messages a minute, so I've set aside what came after that. Wait a minute, then send it again. (/stop and /status always work.)`;
}

/** Past a spend cap: said once per period; the messages wait for the reset (or a raise). */
export function budgetHeldNotice(b: { period: "daily" | "monthly"; spentUsd: number; limitUsd: number; resetsAt: string }): string {
  const spent = formatUsd(b.spentUsd);
  const limit = formatUsd(b.limitUsd);
  return `💸 Your ${b.period} budget of ${limit} is spent (${spent} ${b.period === "daily" ? "today" : "this month"}), so I'm holding your messages until it resets ${b.resetsAt}. An admin can raise it; /stop drops what waits.`;
}
