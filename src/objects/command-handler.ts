// Answers the user's /commands from the relay's own state, without waking the agent. Runs
// inside the transaction that stores the command, so the answer is durable with it.
import { helpText, type ParsedCommand } from "../core/commands";
import type { RunFailure } from "../core/run-policy";
import { formatInZone } from "../core/schedule-format";
import type { MessagesRepo } from "./db/messages-repo";
import type { RunsRepo } from "./db/runs-repo";
import { createSchedule, listSchedules, manageSchedule, setTimeZone, type ScheduleServiceDeps } from "./schedule-service";
import { timeZoneOf } from "./schedules";

export type CommandDeps = ScheduleServiceDeps & {
  runs: RunsRepo;
  messages: MessagesRepo;
  /** Records a run's failure as run-effects does (within the command's transaction). */
  failRun: (runId: string, failure: RunFailure, now: number) => void;
};

export type CommandAnswer = {
  /** What the user reads; empty when a notice written elsewhere already says it. */
  text: string;
  /** The live run to stop at the VM once the answer is stored. */
  cancelVmRunId: string | null;
  /** Probe the VM and answer with what it says (admins' /vm), after the transaction. */
  checkVm: boolean;
};

export function answerCommand(command: ParsedCommand, d: CommandDeps, sender: { isAdmin: boolean }, now: number): CommandAnswer {
  const reply = (text: string): CommandAnswer => ({ text, cancelVmRunId: null, checkVm: false });
  switch (command.type) {
    case "help":
      return reply(helpText());
    case "status":
      return reply(statusText(d, now));
    case "cancel": {
      const run = d.runs.open();
      if (!run) return reply("Nothing is running.");
      if (run.phase === "streaming") return { text: "Stopping the current run…", cancelVmRunId: run.vmRunId, checkVm: false };
      // Not streaming yet: end it here; the VM is told too, in case its start is in flight.
      d.failRun(run.id, { kind: "vm", code: "cancelled" }, now);
      return { text: "", cancelVmRunId: run.vmRunId, checkVm: false };
    }
    case "new": {
      d.settings.set("session_id", null);
      // A live run must not bring its session back, nor take the next messages as input.
      const run = d.runs.open();
      if (run) d.runs.detachFromConversation(run.id, now);
      return reply("Your next message starts a fresh agent session; the earlier conversation is set aside.");
    }
    case "schedule_create":
      return reply(createSchedule(d, command.request, now).text);
    case "schedule_list":
      return reply(listSchedules(d).text);
    case "schedule_manage":
      return reply(manageSchedule(d, command.action, command.id, now).text);
    case "tz_show": {
      const zone = timeZoneOf(d.settings);
      return reply(`Your time zone is ${zone} (now ${formatInZone(now, zone)}). Change it with /tz Europe/London.`);
    }
    case "tz_set":
      return reply(setTimeZone(d, command.timeZone, now).text);
    case "vm_health":
      return sender.isAdmin ? { text: "", cancelVmRunId: null, checkVm: true } : reply("/vm is for admins only.");
    case "invalid":
      return reply(command.reason);
  }
}

function statusText(d: CommandDeps, now: number): string {
  const run = d.runs.open();
  const queued = d.messages.countQueued();
  const lines: string[] = [];
  if (!run) lines.push("The agent is idle.");
  else {
    const minutes = Math.max(0, Math.round((now - run.createdAt) / 60_000));
    const state = run.phase === "waiting" && run.nextAttemptAt > now ? `waiting to retry (attempt ${run.vmAttempt})` : "running";
    lines.push(`The agent is ${state}, started ${minutes} min ago${run.context === "fresh" ? " (a scheduled task)" : ""}.`);
  }
  lines.push(queued === 0 ? "Nothing is queued." : `${queued} message${queued === 1 ? "" : "s"} queued.`);
  const session = d.settings.get("session_id");
  lines.push(session ? `Conversation: ${session.slice(0, 8)}… (/new starts a fresh one).` : "Conversation: none yet (the next message starts one).");
  const tasks = d.schedules.countLive();
  if (tasks > 0) lines.push(`${tasks} scheduled task${tasks === 1 ? "" : "s"} (/schedules).`);
  return lines.join("\n");
}
