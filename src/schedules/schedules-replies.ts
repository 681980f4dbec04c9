// What the schedule commands and tools (/schedule, /schedules, /tz, the agent's schedule_* tools)
// answer, in the user's time zone. Pure: the tasks and their runs come in, the text goes out.
import { describeSchedule, formatInZone } from "./schedule-format";
import type { ScheduleSpec } from "./schedule-math";

/** A task as the replies name it; `conversation` null once that conversation is deleted. */
type TaskFacts = { id: number; spec: ScheduleSpec; context: "fresh" | "chat"; conversation: string | null };

/** `zoneChosen`: the user set their time zone; until then it is the default, and the reply says how to set it. */
export function scheduledReply(task: TaskFacts, firstRunAt: number, timeZone: string, zoneChosen: boolean): string {
  const name = task.conversation ?? "this conversation";
  const where = task.context === "fresh" ? `in a fresh session in ${name}'s project` : `in ${name}, in its session`;
  const zone = zoneChosen ? "" : ` Times are in ${timeZone} until you set your zone, e.g. /tz Europe/London.`;
  return `Task #${task.id} scheduled: ${describeSchedule(task.spec, timeZone)}, ${where}. First run ${formatInZone(firstRunAt, timeZone)} (${timeZone}).${zone}`;
}

/** A task as /schedules lists it, with how its last run went. */
export type ListedTask = TaskFacts & {
  status: "active" | "paused" | "completed";
  nextRunAt: number | null;
  prompt: string;
  last: { status: string; resultExcerpt: string | null } | null;
  /** Where it came from (messages/task-origin.ts's taskOriginText): "made by you", or the event that made it. */
  from: string;
};

/** `held`: messages waiting for WhatsApp's 24-hour window, which the list mentions. */
export function schedulesList(tasks: readonly ListedTask[], held: number, timeZone: string): string {
  const lines = tasks.map((s) => {
    const next = s.status === "active" && s.nextRunAt !== null ? `next ${formatInZone(s.nextRunAt, timeZone)}` : s.status;
    const last = s.last ? `, last: ${s.last.status}${s.last.resultExcerpt ? ` “${s.last.resultExcerpt.slice(0, 60)}”` : ""}` : "";
    const where = s.conversation ?? "a deleted conversation";
    return `#${s.id} [${where}] ${describeSchedule(s.spec, timeZone)}: ${next}${last}\n   ${s.prompt.slice(0, 80)}\n   ${s.from}`;
  });
  const heldLine = held > 0 ? [`📬 ${held} message${held === 1 ? "" : "s"} waiting: WhatsApp allows them only within 24 h of your last message, so send anything to receive them.`] : [];
  if (lines.length === 0) return ["No scheduled tasks. Try /schedule every 1d <prompt> or /help.", ...heldLine].join("\n");
  return [`Your tasks (${timeZone}):`, ...lines, ...heldLine].join("\n");
}

/** One run of a task as `/schedule log` lists it. */
type LoggedRun = { claimedAt: number; startedAt: number | null; finishedAt: number | null; status: string; costUsd: number; resultExcerpt: string | null; error: string | null };

/** What /schedule pause, resume, delete and log did to task `id` (or why not). */
export type ManageOutcome =
  | { kind: "missing" }
  | { kind: "not_active"; status: string }
  | { kind: "paused" }
  | { kind: "not_paused"; status: string }
  | { kind: "no_run_left" }
  | { kind: "resumed"; nextRunAt: number }
  | { kind: "deleted" }
  | { kind: "log"; runs: readonly LoggedRun[] };

export function manageReply(id: number, o: ManageOutcome, timeZone: string): string {
  switch (o.kind) {
    case "missing":
      return `There is no task #${id}. /schedules lists yours.`;
    case "not_active":
      return `Task #${id} is ${o.status}, not running.`;
    case "paused":
      return `Task #${id} paused.`;
    case "not_paused":
      return `Task #${id} is ${o.status}, not paused.`;
    case "no_run_left":
      return `Task #${id} has no run left (its time has passed).`;
    case "resumed":
      return `Task #${id} resumed; next run ${formatInZone(o.nextRunAt, timeZone)}.`;
    case "deleted":
      return `Task #${id} deleted.`;
    case "log":
      return o.runs.length === 0 ? `Task #${id} has not run yet.` : [`Task #${id}, last runs:`, ...o.runs.map((r) => loggedRunLine(r, timeZone))].join("\n");
  }
}

function loggedRunLine(r: LoggedRun, timeZone: string): string {
  const took = r.startedAt && r.finishedAt ? ` in ${Math.round((r.finishedAt - r.startedAt) / 1000)} s` : "";
  const cost = r.costUsd > 0 ? `, $${r.costUsd.toFixed(4)}` : "";
  const detail = r.error ?? r.resultExcerpt ?? "";
  return `${formatInZone(r.claimedAt, timeZone)}: ${r.status}${took}${cost}${detail ? ` – ${detail.slice(0, 80)}` : ""}`;
}

/** /tz alone: the zone and the time there. */
export function timeZoneReply(timeZone: string, now: number): string {
  return `Your time zone is ${timeZone} (now ${formatInZone(now, timeZone)}). Change it with /tz Europe/London.`;
}

export function timeZoneSetReply(timeZone: string, now: number): string {
  return `Time zone set to ${timeZone}. It is now ${formatInZone(now, timeZone)} there.`;
}
