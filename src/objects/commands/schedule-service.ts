// What the user can do with scheduled tasks, whether by /command or through the agent's tools:
// every path goes through validateScheduleSpec and answers with one short text.
import * as z from "zod";
import type { ScheduleAction } from "../../core/commands";
import { describeSchedule, formatInZone } from "../../core/schedule-format";
import { nextRunAt } from "../../core/schedule-math";
import { parseScheduleRequest, type ScheduleRequest, validateScheduleSpec, validateTimeZone } from "../../core/schedule-validate";
import type { SchedulesRepo } from "../db/schedules-repo";
import type { SettingsRepo } from "../db/settings-repo";
import { timeZoneOf } from "../units/schedules";

export type ServiceReply = { ok: boolean; text: string };

/** What the schedule commands and tools read and write. */
export type ScheduleServiceDeps = {
  schedules: SchedulesRepo;
  settings: SettingsRepo;
  /** Messages held for WhatsApp's 24-hour window, which /schedules mentions. */
  countHeld: () => number;
  /** The name of a conversation (tasks belong to one); null once it is gone. */
  conversationName: (id: number) => string | null;
};

/** A task belongs to the conversation it is created in, and runs in that conversation's project. */
export function createSchedule(d: ScheduleServiceDeps, request: ScheduleRequest, conversationId: number, now: number): ServiceReply {
  const timeZone = timeZoneOf(d.settings);
  const checked = validateScheduleSpec(request, { timeZone, now, existingCount: d.schedules.countLive() });
  if (!checked.ok) return { ok: false, text: checked.reason };
  const s = d.schedules.create({ ...checked.schedule, conversationId, now });
  const name = d.conversationName(conversationId) ?? "this conversation";
  const where = s.context === "fresh" ? `in a fresh session in ${name}'s project` : `in ${name}, in its session`;
  return {
    ok: true,
    text: `Task #${s.id} scheduled: ${describeSchedule(s.spec, timeZone)}, ${where}. First run ${formatInZone(checked.schedule.nextRunAt, timeZone)} (${timeZone}).`,
  };
}

export function listSchedules(d: ScheduleServiceDeps): ServiceReply {
  const timeZone = timeZoneOf(d.settings);
  const lines = d.schedules.list().map((s) => {
    const last = d.schedules.lastRun(s.id);
    const next = s.status === "active" && s.nextRunAt !== null ? `next ${formatInZone(s.nextRunAt, timeZone)}` : s.status;
    const lastText = last ? `, last: ${last.status}${last.resultExcerpt ? ` “${last.resultExcerpt.slice(0, 60)}”` : ""}` : "";
    const where = d.conversationName(s.conversationId) ?? "a deleted conversation";
    return `#${s.id} [${where}] ${describeSchedule(s.spec, timeZone)}: ${next}${lastText}\n   ${s.prompt.slice(0, 80)}`;
  });
  const held = d.countHeld();
  const heldLine =
    held > 0 ? [`📬 ${held} message${held === 1 ? "" : "s"} waiting: WhatsApp allows them only within 24 h of your last message, so send anything to receive them.`] : [];
  if (lines.length === 0) return { ok: true, text: ["No scheduled tasks. Try /schedule every 1d <prompt> or /help.", ...heldLine].join("\n") };
  return { ok: true, text: [`Your tasks (${timeZone}):`, ...lines, ...heldLine].join("\n") };
}

export function manageSchedule(d: ScheduleServiceDeps, action: ScheduleAction, id: number, now: number): ServiceReply {
  const s = d.schedules.get(id);
  if (!s) return { ok: false, text: `There is no task #${id}. /schedules lists yours.` };
  const timeZone = timeZoneOf(d.settings);
  switch (action) {
    case "pause":
      if (s.status !== "active") return { ok: false, text: `Task #${id} is ${s.status}, not running.` };
      d.schedules.setNext(id, "paused", null, now);
      return { ok: true, text: `Task #${id} paused.` };
    case "resume": {
      if (s.status !== "paused") return { ok: false, text: `Task #${id} is ${s.status}, not paused.` };
      const next = nextRunAt(s.spec, timeZone, now);
      if (next === null) {
        d.schedules.setNext(id, "completed", null, now);
        return { ok: false, text: `Task #${id} has no run left (its time has passed).` };
      }
      d.schedules.setNext(id, "active", next, now);
      return { ok: true, text: `Task #${id} resumed; next run ${formatInZone(next, timeZone)}.` };
    }
    case "delete":
      d.schedules.delete(id);
      return { ok: true, text: `Task #${id} deleted.` };
    case "log": {
      const runs = d.schedules.runs(id, 5);
      if (runs.length === 0) return { ok: true, text: `Task #${id} has not run yet.` };
      const lines = runs.map((r) => {
        const took = r.startedAt && r.finishedAt ? ` in ${Math.round((r.finishedAt - r.startedAt) / 1000)} s` : "";
        const cost = r.costUsd > 0 ? `, $${r.costUsd.toFixed(4)}` : "";
        const detail = r.error ?? r.resultExcerpt ?? "";
        return `${formatInZone(r.claimedAt, timeZone)}: ${r.status}${took}${cost}${detail ? ` – ${detail.slice(0, 80)}` : ""}`;
      });
      return { ok: true, text: [`Task #${id}, last runs:`, ...lines].join("\n") };
    }
  }
}

/** A new zone moves every active cron task to its next run in that zone. */
export function setTimeZone(d: ScheduleServiceDeps, input: string, now: number): ServiceReply {
  const checked = validateTimeZone(input);
  if (!checked.ok) return { ok: false, text: checked.reason };
  d.settings.set("time_zone", checked.timeZone);
  for (const s of d.schedules.list()) {
    if (s.status === "active" && s.spec.kind === "cron") d.schedules.setNext(s.id, "active", nextRunAt(s.spec, checked.timeZone, now), now);
  }
  return { ok: true, text: `Time zone set to ${checked.timeZone}. It is now ${formatInZone(now, checked.timeZone)} there.` };
}

const IdArgs = z.object({ id: z.coerce.number().int().positive() });
const ZoneArgs = z.object({ timeZone: z.string().min(1).max(64) });

/** The agent's tool calls (see src/protocol/relay-tools.ts), validated like commands. */
/** `conversationId`: the conversation of the run that called the tool; its tasks belong there. */
export function runRelayTool(d: ScheduleServiceDeps, name: string, args: Record<string, unknown>, conversationId: number, now: number): ServiceReply {
  const idOf = () => IdArgs.safeParse(args);
  switch (name) {
    case "schedule_create": {
      const parsed = parseScheduleRequest(args);
      return parsed.ok ? createSchedule(d, parsed.request, conversationId, now) : { ok: false, text: parsed.reason };
    }
    case "schedule_list":
      return listSchedules(d);
    case "schedule_pause":
    case "schedule_resume":
    case "schedule_cancel": {
      const parsed = idOf();
      if (!parsed.success) return { ok: false, text: "Bad arguments: id must be a positive integer." };
      const action = name === "schedule_pause" ? "pause" : name === "schedule_resume" ? "resume" : "delete";
      return manageSchedule(d, action, parsed.data.id, now);
    }
    case "set_time_zone": {
      const parsed = ZoneArgs.safeParse(args);
      return parsed.success ? setTimeZone(d, parsed.data.timeZone, now) : { ok: false, text: "Bad arguments: timeZone is required." };
    }
    default:
      return { ok: false, text: `Unknown tool ${name}.` };
  }
}
