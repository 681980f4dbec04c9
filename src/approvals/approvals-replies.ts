// What the relay says about approvals: answers to "yes/no/always", expiries, late answers,
// /approvals and its log, and what the VM is told when nobody said yes. Pure: a prompt comes in
// as the few fields the words need, the text goes out.
import type { ApprovalAnswer, ApprovalMode } from "./approvals";

/** A prompt as the words need it: what it asked (its description) and how it was closed. */
export type PromptView = { description: string; number: number; status: string; answer: ApprovalAnswer | null };

/**
 * What a prompt asked, in one WhatsApp line, named as the prompt named it: an edit's first line
 * ("Write notes.txt: new file, +1", never its diff), or a line ending in ":" with the one it
 * introduces ("Run a command: npm test").
 */
export function firstLine(a: Pick<PromptView, "description">): string {
  const [head = "", next] = a.description.split("\n");
  return (head.endsWith(":") && next !== undefined ? `${head} ${next}` : head).slice(0, 160);
}

/** How a prompt was closed, for the log and a task's result. */
export function closedAs(a: Pick<PromptView, "status" | "answer">): string {
  switch (a.status) {
    case "allowed":
      return a.answer === "always" ? "allowed always" : "allowed";
    case "denied":
      return "denied";
    case "expired":
      return "not answered in time";
    case "stopped":
      return "denied by /stop";
    case "ended":
      return "withdrawn: the run ended first";
    default:
      return "open";
  }
}

/** One line for an answer that closed `answered` (with "always": the rules kept, in `conversation`). */
export function answerAck(answered: readonly PromptView[], answer: ApprovalAnswer, remembered: { rules: string[]; conversation: string; someWithoutRule: boolean }): string {
  const what = answered.length === 1 ? firstLine(answered[0]!) : `${answered.length} requests (#${answered.map((a) => a.number).join(", #")})`;
  if (answer === "no") return `🚫 Denied: ${what}. The agent is told it was not done.`;
  const unremembered = answer === "always" && remembered.someWithoutRule ? " (no rule can say this one, so it was allowed once)" : "";
  const kept = remembered.rules.length > 0 ? ` From now on in ${remembered.conversation} the agent does not ask for ${remembered.rules.join(", ")} (/approvals forget clears it).` : "";
  return `✅ Allowed: ${what}.${kept}${unremembered}`;
}

export const UNKNOWN_PROMPT = "That approval request is not known here.";
export const alreadyClosed = (a: Pick<PromptView, "status" | "answer">): string => `That request was already ${closedAs(a)}; nothing changed.`;
export const noSuchNumber = (n: number, open: readonly number[]): string => `No open approval #${n}. Open: ${open.map((o) => `#${o}`).join(", ") || "none"}.`;
/** `yes 3` when #3 is closed: it says so, and answers nothing else (the next prompt has another number). */
export const closedNumber = (a: Pick<PromptView, "number" | "status" | "answer">, open: readonly number[]): string =>
  `#${a.number} was already ${a.answer === null ? "closed" : "answered"} (${closedAs(a)}), so this answer changed nothing.${open.length > 0 ? ` Still open: ${open.map((o) => `#${o}`).join(", ")}.` : ""}`;

/** How an event's prompt is named when left open: its number and the event (`#7 [trigger deploy]`). */
const eventPrompts = (left: readonly (Pick<PromptView, "number"> & { event: string | null })[]): string => left.map((a) => `#${a.number} ${a.event ?? ""}`.trim()).join(", ");

/** After `yes all`: the prompts of runs an event started, which `all` does not answer. Empty when none. */
export function leftOpenNote(left: readonly (Pick<PromptView, "number"> & { event: string | null })[], answer: ApprovalAnswer): string {
  if (left.length === 0) return "";
  return ` Left open: ${eventPrompts(left)}, started by an event, not by you: answer ${left.length === 1 ? "it" : "each"} by its number (${answer} ${left[0]!.number}) or its button.`;
}

/** A bare answer or `all` with only event prompts open: nothing answered, and how to answer them. */
export function eventsOnlyReply(left: readonly (Pick<PromptView, "number"> & { event: string | null })[], answer: ApprovalAnswer): string {
  return `Nothing answered: ${eventPrompts(left)} ${left.length === 1 ? "is a request of a run" : "are requests of runs"} started by an event, not by you, answered only by ${left.length === 1 ? "its" : "each one's"} number (${answer} ${left[0]?.number ?? ""}) or button.`;
}

/** `allOf`: the conversation whose prompts `all` answers, named when prompts of several are open (a bare answer and `all` are read in the conversation they are written in). */
export const whichOne = (open: number, answer: ApprovalAnswer, example: number, allOf: string | null = null): string =>
  `${open} approvals are open: answer one (${answer} ${example}) or all${allOf === null ? "" : ` of “${allOf}”'s`} (${answer} all).`;

/** A bare answer or `all` written in `here` while only other conversations' prompts are open: nothing answered, and how to answer each. */
export function otherConversationsReply(prompts: readonly (Pick<PromptView, "number" | "description"> & { conversation: string })[], answer: ApprovalAnswer, here: string | null): string {
  const named = prompts.map((a) => `#${a.number} (“${a.conversation}”: ${firstLine(a)})`).join(", ");
  const where = here === null ? "the conversation you are in" : `“${here}”, the conversation you are in`;
  const which = prompts.length === 1 ? `${named} is another conversation's approval` : `${named} are other conversations' approvals`;
  return `Nothing answered: a bare ${answer} answers only a question of ${where}. ${which}: answer ${prompts.length === 1 ? "it" : "each"} by its number (${answer} ${prompts[0]?.number ?? ""}) or its button.`;
}

export function expiredNotice(a: Pick<PromptView, "description">, timeoutMs: number): string {
  const minutes = Math.max(1, Math.round(timeoutMs / 60_000));
  return `⌛ Not approved in time (${minutes} min), so it was not done: ${firstLine(a)}. The agent was told.`;
}

/** A prompt a reminder names: its number, conversation, what it asked, when, and when it is denied. */
export type RemindedView = Pick<PromptView, "description" | "number"> & { conversation: string; askedAt: number; expiresAt: number };

const minutesFrom = (from: number, to: number): number => Math.max(1, Math.round((to - from) / 60_000));

/**
 * A reminder of open prompts nobody answered yet (approvals/approval-reminders.ts says when): each named
 * as its prompt named it, how long ago it was asked and how soon it is denied, and how to answer.
 */
export function reminderText(prompts: readonly RemindedView[], now: number): string {
  const until = (p: RemindedView) => `denied in ${minutesFrom(now, p.expiresAt)} min if not answered`;
  if (prompts.length === 1) {
    const p = prompts[0]!;
    return `⏳ Approval #${p.number} in ${p.conversation} still waits for your answer (asked ${minutesFrom(p.askedAt, now)} min ago): ${firstLine(p)}. Reply yes ${p.number} or no ${p.number}; ${until(p)}. The agent does nothing until then.`;
  }
  const lines = prompts.map((p) => `#${p.number} in ${p.conversation} (asked ${minutesFrom(p.askedAt, now)} min ago, ${until(p)}): ${firstLine(p)}`);
  return [`⏳ ${prompts.length} approvals still wait for your answer; the agent does nothing until then:`, ...lines, `Reply yes or no with the number (yes ${prompts[0]!.number}), or yes all.`].join("\n");
}

export const lateNotice = (a: Pick<PromptView, "description">): string => `Your answer to “${firstLine(a)}” came too late: the agent had stopped waiting for it, so it was not done.`;

/** What the VM tells the agent with a deny nobody typed. */
export const VM_DENY_MESSAGES = {
  expired: "Not approved in time: the user did not answer, so this was not done. Ask again if it is still needed.",
  stopped: "The user stopped this run from their phone; not approved.",
} as const;

/** Appended to a task's result: what it was not allowed to do. */
export function refusedLine(refused: readonly PromptView[]): string {
  if (refused.length === 0) return "";
  return `\n\nNot approved during this task: ${refused.map((a) => `${firstLine(a)} (${closedAs(a)})`).join("; ")}.`;
}

/**
 * The shell commands Claude Code's accept-edits mode (the VM's `edits`) runs without asking, as
 * file edits: observed with the real CLI (vm/test/approvals-edits-mode.test.ts), so /approvals
 * names them rather than promise a question it will not ask.
 */
export const EDITS_MODE_SHELL_COMMANDS = ["mkdir", "touch", "rm", "rmdir", "mv", "cp", "sed"] as const;

const MODE_LINES: Record<ApprovalMode, string> = {
  off: "off: the agent acts without asking",
  edits: `edits: file edits in the project go ahead, and so do the commands ${EDITS_MODE_SHELL_COMMANDS.join(", ")} and output written to a file (> file) there, since they edit files too; any other command that changes something is asked here`,
  on: "on: every file edit and every command that changes something is asked here",
};

/** /approvals: the mode and what "always" remembered, for one conversation. */
export function approvalsDescription(conversation: string, mode: ApprovalMode, rules: readonly string[]): string {
  return [
    `Approvals in ${conversation}: ${MODE_LINES[mode]}.`,
    rules.length > 0 ? `Always allowed: ${rules.join(", ")}.` : "Nothing is always allowed.",
    "Change it with /approvals off, /approvals edits or /approvals on; /approvals forget clears what is always allowed; /approvals log shows the last answers.",
  ].join("\n");
}

/** /approvals log: `when` is each decision's time already written in the user's zone. */
export function approvalsLog(recent: readonly (PromptView & { tool: string; when: string; conversation: string })[]): string {
  if (recent.length === 0) return "No approval was asked yet.";
  return ["Last approvals (newest first):", ...recent.map((a) => `${a.when} · [${a.conversation}] · ${a.tool} · ${firstLine(a)} · ${closedAs(a)}`)].join("\n");
}
