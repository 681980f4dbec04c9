// What the relay says on its own (not the agent, and not a command's answer, which lives with its
// command): acknowledgements, failures, lost sessions, undeliverable replies, the VM's health.
import { formatUsd } from "../shared/format-ago";
import { messageName } from "./message-name";
import type { GiveUpReason } from "./run-failure";

/** The one acknowledgement of messages that arrive while the agent works; says how many wait. */
export function ackQueued(waiting: number): string {
  return waiting <= 1 ? "Got it, I'll process this next." : `Got it: ${waiting} messages are waiting, and I'll process them next.`;
}

/**
 * A reply the chat's channel refused for good (a permanent error); the agent's answer is not
 * resent. `service` is whose code it is: the channel's serviceName ("Twilio" for WhatsApp).
 */
export function deliveryFailedNotice(errorCode: string, service: string): string {
  return `⚠️ One of my replies could not be delivered (${service} error ${errorCode}). Ask again if you need it.`;
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
/** A notice names at most this many messages, then says how many more. */
const NAMED_AT_MOST = 5;

/** The user's own words: no directives, no markup (messages/message-name.ts). */
function excerpt(text: string): string {
  return messageName(text, EXCERPT_CHARS);
}

/** A message as the relay names it to the user: its first words in quotes, or its task. */
export type NamedMessage = { body: string; scheduleId: number | null; how?: "batch" | "inject" | null };

/** “fix the test”, “and this”, task #3 and 2 more: each message by its first words. */
export function nameMessages(messages: readonly NamedMessage[]): string {
  const names = messages.slice(0, NAMED_AT_MOST).map((m) => (m.scheduleId !== null ? `task #${m.scheduleId}` : `“${excerpt(m.body) || "(an attachment)"}”`));
  const more = messages.length - NAMED_AT_MOST;
  return more > 0 ? `${names.join(", ")} and ${more} more` : names.join(", ");
}

const yourMessages = (messages: readonly NamedMessage[]) => `your message${messages.length === 1 ? "" : "s"} ${nameMessages(messages)}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * What the user reads when a run ends without answering `messages` (never empty: a notice names
 * what it answers). Null for a cancel: /stop and /deny say what they dropped themselves.
 */
export function giveUpNotice(reason: GiveUpReason, messages: readonly NamedMessage[]): string | null {
  const what = yourMessages(messages);
  switch (reason) {
    case "failed_after_retries":
      return `⚠️ I couldn't reach your agent after 6 attempts, so ${what} ${messages.length === 1 ? "was" : "were"} not processed. Send ${messages.length === 1 ? "it" : "them"} again to retry.`;
    case "interrupted":
      return `⚠️ Your agent was interrupted twice while working on ${what}, so I stopped retrying. What it sent above is all it produced; send ${messages.length === 1 ? "it" : "them"} again to retry.`;
    case "auth_failed":
      return `⚠️ Your agent can't sign in to Anthropic (authentication failed), so ${what} ${messages.length === 1 ? "was" : "were"} not processed. The operator has to fix the API key; then send ${messages.length === 1 ? "it" : "them"} again.`;
    case "misconfigured":
      return `⚠️ Your agent is misconfigured, so ${what} ${messages.length === 1 ? "was" : "were"} not processed. The operator has been told; send ${messages.length === 1 ? "it" : "them"} again once it is fixed.`;
    case "vm_unfit":
      return `⚠️ Your agent can't run: its machine lacks a permission it needs to keep each user's agent apart, so ${what} ${messages.length === 1 ? "was" : "were"} not processed. The operator has been told; send ${messages.length === 1 ? "it" : "them"} again once it is fixed.`;
    case "time_limit":
      return `⚠️ Your agent hit its time limit and was stopped while working on ${what}. Send a message to continue where it left off.`;
    case "cancelled":
      return null;
  }
}

/** The answer to /stop <name> and /stop all: one line per conversation, named (`[api] Stopped …`). */
export function stopRepliesByConversation(stopped: readonly { name: string | null; stoppedRun: boolean; dropped: readonly NamedMessage[] }[], deniedApprovals: number): string {
  const lines = stopped.filter((s) => s.stoppedRun || s.dropped.length > 0).map((s) => `[${s.name ?? "?"}] ${stopReply({ ...s, deniedApprovals: 0 })}`);
  const denied = deniedApprovals > 0 ? `Denied ${plural(deniedApprovals, "pending approval")}.` : null;
  if (lines.length === 0) return denied ? `Nothing was running. ${denied}` : "Nothing is running.";
  return [...lines, ...(denied ? [denied] : [])].join("\n");
}

/**
 * The answer to /stop: the run it ended (named by what the run started with) and every other
 * message it dropped (joined to the live session, or waiting), by name.
 */
export function stopReply(r: { stoppedRun: boolean; dropped: readonly NamedMessage[]; deniedApprovals: number }): string {
  const working = r.dropped.filter((m) => m.how === "batch");
  const others = r.dropped.filter((m) => m.how !== "batch");
  const dropped = others.length > 0 ? ` Dropped ${plural(others.length, "message")}: ${nameMessages(others)}.` : "";
  const denied = r.deniedApprovals > 0 ? ` Denied ${plural(r.deniedApprovals, "pending approval")}.` : "";
  if (r.stoppedRun) return `${working.length > 0 ? `Stopped the run on ${nameMessages(working)}.` : "Stopped."}${dropped}${denied}`;
  return dropped || denied ? `Nothing was running.${dropped}${denied}` : "Nothing is running.";
}

/** /approvals forget, once the VM said whether it cleared the project's rules. */
export function forgetRulesReply(conversation: string, cleared: boolean): string {
  return cleared
    ? `Forgot what was always allowed in ${conversation}: the agent asks again.`
    : `⚠️ The agent VM did not answer, so what was always allowed in ${conversation} may still be allowed. Send /approvals forget again.`;
}

/**
 * Said to the agent once, after the last message of a turn, when some of its messages (1-based
 * `positions` of `total`) were in a run that was cut off: look before redoing anything. After them,
 * not before: the turn starts with what the user wrote. Once, not after each: a note per message
 * buries the messages under repeats.
 */
export function interruptedTurnNote(positions: readonly number[], total: number): string {
  const count = positions.length;
  const prefix = positions.every((p, i) => p === i + 1);
  const which =
    total === 1 ? "this message"
    : count === total ? `the ${count} messages above`
    : prefix ? (count === 1 ? "the first message above" : `the first ${count} messages above`)
    : `${count === 1 ? "message" : "messages"} ${listWords(positions.map(String))} above`;
  return `[relay] You already had ${which} in a turn that was interrupted (the agent VM restarted or the connection was lost) before you answered ${count === 1 ? "it" : "them"}. Check what you already did (files, git status, running processes) before redoing anything.`;
}

/** "2", "2 and 4", "1, 2 and 4". */
function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * A turn the agent itself reported as an error (the model's API failing after the CLI's own
 * retries, a turn limit) still reaches the user, marked as such and naming what it answers.
 */
export function agentErrorReply(text: string, answered: readonly NamedMessage[]): string {
  const on = answered.length > 0 ? ` on ${nameMessages(answered)}` : "";
  return `⚠️ Your agent hit an error${on}: ${endSentence(text.trim() || "it gave no details")}`;
}

/** Text from elsewhere (the CLI's error) as the end of a sentence: a full stop unless it has one. */
const endSentence = (text: string) => (/[.!?…)”]$/.test(text) ? text : `${text}.`);

const TASK_FAILURE_WHY: Partial<Record<GiveUpReason, string>> = {
  auth_failed: "the agent can't sign in to Anthropic",
  misconfigured: "the agent is misconfigured",
  vm_unfit: "the agent's machine lacks a permission it needs",
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
  return `You're sending more than ${plural(limit, "message")} a minute, so I've set aside what came after that. Wait a minute, then send it again. (/stop and /status always work.)`;
}

/** Past a spend cap: said once per period; the messages wait for the reset (or a raise). */
export function budgetHeldNotice(b: { period: "daily" | "monthly"; spentUsd: number; limitUsd: number; resetsAt: string }): string {
  const spent = formatUsd(b.spentUsd);
  const limit = formatUsd(b.limitUsd);
  return `💸 Your ${b.period} budget of ${limit} is spent (${spent} ${b.period === "daily" ? "today" : "this month"}), so I'm holding your messages until it resets ${b.resetsAt}. An admin can raise it; /stop drops what waits.`;
}

/**
 * The model gave no answer and the work waits: what waits, why, and until when in the user's
 * own time. `limit`: the model's usage limit, which lifts at `until`; `unavailable`: an outage,
 * retried at `until` and after with backoff.
 */
export function modelPausedNotice(p: { kind: "limit" | "unavailable"; limitName: string; until: string; waiting: readonly NamedMessage[] }): string {
  const what = p.waiting.length > 0 ? yourMessages(p.waiting) : "your messages";
  if (p.kind === "limit") {
    return `⏸️ The model refused: you've reached ${p.limitName}. I'm keeping ${what} and will go on by myself at ${p.until}, when it resets; no need to send anything again. /stop drops what waits.`;
  }
  return `⏸️ The model has been unavailable (overloaded or failing) for over a minute. I'm keeping ${what} and will try again at ${p.until}, then every few minutes; you'll hear when it goes on. /stop drops what waits.`;
}

/** The pause that was told is over: the held work starts again. */
export function modelResumedNotice(waiting: readonly NamedMessage[]): string {
  return `▶️ The model answers again: going on with ${waiting.length > 0 ? yourMessages(waiting) : "your messages"}.`;
}
