// Answers the user's /commands from the relay's own state, without waking the agent. Runs
// inside the transaction that stores the command, so the answer is durable with it; what the VM
// must do is returned, and done after the webhook has its answer.
import { formatAgo, formatUsd } from "../../core/format-ago";
import { quoteInput } from "../../core/quote-input";
import { dayIn, monthIn } from "../../core/spend-days";
import { helpText, type ParsedCommand } from "../../core/commands";
import type { RunFailure } from "../../core/run-policy";
import { formatInZone } from "../../core/schedule-format";
import {
  type ConversationCommandDeps,
  createConversation,
  deleteConversation,
  gitCommand,
  listConversations,
  type Reply,
  renameConversation,
  setDeepMode,
  startFreshSession,
  switchConversation,
} from "./conversation-commands";
import { createSchedule, listSchedules, manageSchedule, type ScheduleServiceDeps, setTimeZone } from "./schedule-service";
import type { Approvals } from "../units/approvals";
import type { SpendRepo } from "../db/spend-repo";
import type { Observed } from "../units/run-driver";
import type { Messages } from "../units/messages";
import { stopWork } from "./stop";
import { stopReply } from "../../core/notices";
import { timeZoneOf } from "../units/schedules";

export type CommandDeps = ScheduleServiceDeps &
  ConversationCommandDeps & {
    spend: SpendRepo;
    /** What this instance last saw of the agent and the VM (in memory). */
    observed: () => Observed;
    budget: { today(now: number): { spentUsd: number; limitUsd: number } };
    /** Records a run's failure as run-effects does (within the command's transaction). */
    failRun: (runId: string, failure: RunFailure, now: number) => void;
    lifecycle: Pick<Messages, "stop" | "deny">;
    approvals: Approvals;
  };

export type CommandAnswer = Reply;

export function answerCommand(command: ParsedCommand, d: CommandDeps, sender: { phone: string; isAdmin: boolean }, now: number): CommandAnswer {
  const say = (text: string): CommandAnswer => ({ text, after: null });
  switch (command.type) {
    case "help":
      return say(helpText());
    case "status":
      // /status vm asks the VM now, after the webhook's answer; the rest is known already.
      return command.checkVm ? { text: "", after: { kind: "health", detail: sender.isAdmin } } : say(statusText(d, now));
    case "cancel": {
      const stopped = stopWork({ ...d, stopApprovals: (at) => d.approvals.stopAll(at) }, { conversationId: d.conversations.currentId() }, now);
      const text = stopReply(stopped);
      return { text, after: stopped.cancelVmRunId ? { kind: "cancel", vmRunId: stopped.cancelVmRunId } : null };
    }
    case "new_session":
      return startFreshSession(d, now);
    case "conversation_create":
      return createConversation(d, command.name, command.repo, now);
    case "conversation_list":
      return say(listConversations(d, now));
    case "conversation_switch":
      return say(switchConversation(d, command.target));
    case "conversation_rename":
      return say(renameConversation(d, command.name));
    case "conversation_delete":
      return deleteConversation(d, command.name, command.confirmed);
    case "deep":
      return say(setDeepMode(d, command.on, now));
    case "cost":
      return say(costText(d, now));
    case "approvals":
      return approvalsCommand(d, command.action);
    case "voice_echo": {
      if (command.on !== null) d.settings.set("voice_echo", command.on ? null : "off");
      const on = d.settings.get("voice_echo") !== "off";
      return say(on ? "Voice notes: I tell you what I heard before the agent acts on it. /voice echo off stops that." : "Voice notes: no echo of what I heard. /voice echo on brings it back.");
    }
    case "progress": {
      if (command.on !== null) d.settings.set("progress_updates", command.on ? null : "off");
      const on = d.settings.get("progress_updates") !== "off";
      return say(on ? "Progress updates are on: after a minute, a run sends a short update at most every 2 minutes. /progress off stops them." : "Progress updates are off: a long run shows only WhatsApp's typing indicator. /progress on brings them back.");
    }
    case "git_show":
      return say(gitCommand(d, sender.phone, null));
    case "git_set":
      return say(gitCommand(d, sender.phone, { field: command.field, value: command.value }));
    case "schedule_create":
      return say(createSchedule(d, command.request, d.conversations.currentId(), now).text);
    case "schedule_list":
      return say(listSchedules(d).text);
    case "schedule_manage":
      return say(manageSchedule(d, command.action, command.id, now).text);
    case "tz_show": {
      const zone = timeZoneOf(d.settings);
      return say(`Your time zone is ${zone} (now ${formatInZone(now, zone)}). Change it with /tz Europe/London.`);
    }
    case "tz_set":
      return say(setTimeZone(d, command.timeZone, now).text);
    case "vm_health":
      return sender.isAdmin ? { text: "", after: { kind: "health", detail: true } } : say("/vm is for admins only.");
    case "admin":
      // Not even a bad argument is explained to a non-admin: they learn nothing, nothing changes.
      if (!sender.isAdmin) return say(`Permission denied: /${command.word} is for admins only.`);
      return command.request.kind === "invalid" ? say(command.request.reason) : { text: "", after: { kind: "admin", request: command.request } };
    case "invalid":
      return say(command.reason);
  }
}

/** /approvals: the current conversation's mode, its rules, the log. A mode applies from the next run. */
function approvalsCommand(d: CommandDeps, action: Extract<ParsedCommand, { type: "approvals" }>["action"]): CommandAnswer {
  const current = d.conversations.current();
  if (!current) return { text: "There is no current conversation. /sessions lists them.", after: null };
  switch (action) {
    case "show":
      return { text: d.approvals.describe(current.id), after: null };
    case "log":
      return { text: d.approvals.logText(timeZoneOf(d.settings)), after: null };
    case "forget":
      // Said once the VM has cleared them from the project's settings, where the agent reads them.
      d.approvals.forgetRules(current.id);
      return { text: "", after: { kind: "forget_rules", workspace: current.workspace, conversation: current.name } };
    case "off":
    case "edits":
    case "on": {
      const before = d.approvals.modeOf(current.id);
      d.approvals.setMode(current.id, action);
      const live = d.runs.open()?.conversationId === current.id ? " The run in progress keeps the mode it started with." : "";
      return { text: before === action ? `Approvals in ${current.name} were already ${action}.` : `Approvals in ${current.name}: ${action} (was ${before}).${live}`, after: null };
    }
  }
}

/** /cost: today and this month in the user's zone, and this month per conversation. */
function costText(d: CommandDeps, now: number): string {
  const zone = timeZoneOf(d.settings);
  const today = dayIn(now, zone);
  const month = monthIn(now, zone);
  const total = (m: Map<number, { costUsd: number; unknownRuns: number }>) => [...m.values()].reduce((a, s) => ({ costUsd: a.costUsd + s.costUsd, unknownRuns: a.unknownRuns + s.unknownRuns }), { costUsd: 0, unknownRuns: 0 });
  const byConversation = d.spend.between(`${month}-01`, `${month}-31`);
  const day = total(d.spend.between(today, today));
  const monthTotal = total(byConversation);
  const lines = [`Spend today (${today}, ${zone}): ${formatUsd(day.costUsd)}. This month: ${formatUsd(monthTotal.costUsd)}.`];
  const parts = [...byConversation.entries()]
    .filter(([, s]) => s.costUsd > 0 || s.unknownRuns > 0)
    .sort((a, b) => b[1].costUsd - a[1].costUsd)
    .map(([id, s]) => `${d.conversationName(id) ?? "a deleted conversation"} ${formatUsd(s.costUsd)}`);
  if (parts.length > 0) lines.push(`This month by conversation: ${parts.join(", ")}.`);
  if (monthTotal.unknownRuns > 0) {
    lines.push(`${monthTotal.unknownRuns} run${monthTotal.unknownRuns === 1 ? "" : "s"} this month ended without the agent reporting a cost (a crash or a stop): unknown, not counted.`);
  }
  lines.push("Costs are what Claude Code reports per answer, scheduled tasks included.");
  return lines.join("\n");
}

/** " Dropped 2 queued messages: “fix the tests”, “and push”." — the first words of each. */
function statusText(d: CommandDeps, now: number): string {
  const run = d.runs.open();
  const current = d.conversations.current();
  const { progress, vm } = d.observed();
  const zone = timeZoneOf(d.settings);
  const lines: string[] = [];
  if (!run) lines.push("The agent is idle.");
  else {
    const minutes = Math.max(0, Math.round((now - run.createdAt) / 60_000));
    const state = run.phase === "waiting" && run.nextAttemptAt > now ? `waiting to retry (attempt ${run.vmAttempt})` : "busy";
    const where = d.conversations.repo.get(run.conversationId)?.name ?? "a deleted conversation";
    const step = progress?.runId === run.id ? `: ${progress.text}` : "";
    lines.push(`The agent is ${state} in ${where} for ${minutes} min${run.context === "fresh" ? " (a scheduled task)" : ""}${step}.`);
  }
  const queued = [...d.messages.queuedByConversation().entries()].map(([id, n]) => `${d.conversationName(id) ?? "?"} ${n}`);
  lines.push(queued.length === 0 ? "Nothing is queued." : `Waiting: ${queued.join(", ")}.`);
  if (current) {
    const deep = current.deepUntil !== null && current.deepUntil > now ? ", deep mode on" : "";
    const session = current.sessionId ? `session ${current.sessionId.slice(0, 8)}…` : "no session yet";
    const { turns, costUsd } = d.spend.totals().get(current.id) ?? { turns: 0, costUsd: 0 };
    lines.push(`Current conversation: ${current.name} (${session}${deep}; ${turns} turns, ${formatUsd(costUsd)}). /sessions lists them all.`);
  }
  lines.push(
    !vm
      ? "VM: no contact yet from here (/status vm asks it)."
      : vm.ok
        ? `VM: answered ${formatAgo(vm.at, now)}.`
        : `VM: did not answer ${formatAgo(vm.at, now)} (${vm.failure}); /status vm asks again.`,
  );
  const next = d.schedules.list().filter((t) => t.status === "active" && t.nextRunAt !== null).sort((a, b) => a.nextRunAt! - b.nextRunAt!)[0];
  if (next) lines.push(`Next task: #${next.id} at ${formatInZone(next.nextRunAt!, zone)} (/schedules).`);
  const spend = d.budget.today(now);
  lines.push(`Spent today: ${formatUsd(spend.spentUsd)} of ${formatUsd(spend.limitUsd)} (daily budget).`);
  return lines.join("\n");
}
