// Answers the user's /commands from the relay's own state, without waking the agent. Runs
// inside the transaction that stores the command, so the answer is durable with it.
import { helpText, type ParsedCommand } from "../core/commands";
import { formatInZone } from "../core/schedule-format";
import { applyFailure, type RelayState } from "./run-effects";
import { createSchedule, listSchedules, manageSchedule, setTimeZone } from "./schedule-service";
import { timeZoneOf } from "./task-lifecycle";

export type CommandAnswer = {
  /** What the user reads; empty when a notice written elsewhere already says it. */
  text: string;
  /** The live run to stop at the VM once the answer is stored. */
  cancelVmRunId: string | null;
  /** Probe the VM and answer with what it says (admins' /vm), after the transaction. */
  checkVm: boolean;
};

export function answerCommand(command: ParsedCommand, s: RelayState, sender: { isAdmin: boolean }): CommandAnswer {
  const { repos } = s;
  const now = s.now();
  const reply = (text: string): CommandAnswer => ({ text, cancelVmRunId: null, checkVm: false });
  switch (command.type) {
    case "help":
      return reply(helpText());
    case "status":
      return reply(statusText(s));
    case "cancel": {
      const run = repos.runs.open();
      if (!run) return reply("Nothing is running.");
      if (run.phase === "streaming") return { text: "Stopping the current run…", cancelVmRunId: run.vmRunId, checkVm: false };
      // Not streaming yet: end it here; the VM is told too, in case its start is in flight.
      applyFailure(s, run.id, { kind: "vm", code: "cancelled" });
      return { text: "", cancelVmRunId: run.vmRunId, checkVm: false };
    }
    case "new": {
      repos.settings.set("session_id", null);
      // A live run must not bring its session back, nor take the next messages as input.
      const run = repos.runs.open();
      if (run) repos.runs.detachFromConversation(run.id, now);
      return reply("Your next message starts a fresh agent session; the earlier conversation is set aside.");
    }
    case "schedule_create":
      return reply(createSchedule(repos, command.request, now).text);
    case "schedule_list":
      return reply(listSchedules(repos).text);
    case "schedule_manage":
      return reply(manageSchedule(repos, command.action, command.id, now).text);
    case "tz_show": {
      const zone = timeZoneOf(repos);
      return reply(`Your time zone is ${zone} (now ${formatInZone(now, zone)}). Change it with /tz Europe/London.`);
    }
    case "tz_set":
      return reply(setTimeZone(repos, command.timeZone, now).text);
    case "vm_health":
      return sender.isAdmin ? { text: "", cancelVmRunId: null, checkVm: true } : reply("/vm is for admins only.");
    case "invalid":
      return reply(command.reason);
  }
}

function statusText(s: RelayState): string {
  const { repos } = s;
  const run = repos.runs.open();
  const queued = repos.messages.countQueued();
  const lines: string[] = [];
  if (!run) lines.push("The agent is idle.");
  else {
    const minutes = Math.max(0, Math.round((s.now() - run.createdAt) / 60_000));
    const state = run.phase === "waiting" && run.nextAttemptAt > s.now() ? `waiting to retry (attempt ${run.vmAttempt})` : "running";
    lines.push(`The agent is ${state}, started ${minutes} min ago${run.context === "fresh" ? " (a scheduled task)" : ""}.`);
  }
  lines.push(queued === 0 ? "Nothing is queued." : `${queued} message${queued === 1 ? "" : "s"} queued.`);
  const session = repos.settings.get("session_id");
  lines.push(session ? `Conversation: ${session.slice(0, 8)}… (/new starts a fresh one).` : "Conversation: none yet (the next message starts one).");
  const tasks = repos.schedules.countLive();
  if (tasks > 0) lines.push(`${tasks} scheduled task${tasks === 1 ? "" : "s"} (/schedules).`);
  return lines.join("\n");
}
