// What the user can do with scheduled tasks, whether by /command or through the agent's tools:
// every path goes through validateScheduleSpec and answers with one short text.
import * as z from "zod/mini";
import type { ScheduleAction } from "./command-schedule";
import { type ManageOutcome, manageReply, scheduledReply, schedulesList, timeZoneSetReply } from "./schedules-replies";
import { duplicateReply, findDuplicate } from "./schedule-duplicate";
import { nextRunAt } from "./schedule-math";
import { parseScheduleRequest, type ScheduleRequest, validateScheduleSpec, validateTimeZone } from "./schedule-validate";
import { type TaskOrigin, taskOriginText, trustReply } from "../messages/task-origin";
import type { SchedulesRepo } from "./schedules-repo";
import type { Destination } from "../directory/link-doors";
import type { SettingsRepo } from "../config/settings-repo";
import { isTimeZoneChosen, timeZoneOf } from "./schedules-unit";

type ServiceReply = { ok: boolean; text: string };

/** What the schedule commands and tools read and write. */
export type ScheduleServiceDeps = {
  schedules: SchedulesRepo;
  settings: SettingsRepo;
  /** Messages held for WhatsApp's 24-hour window, which /schedules mentions. */
  countHeld: () => number;
  /** The name of a conversation (tasks belong to one); null once it is gone. */
  conversationName: (id: number) => string | null;
  /** Whether the user trusted this repository's events (`/github trust`): its tasks run as theirs. */
  repoTrusted: (repo: string) => boolean;
};

/**
 * A task belongs to the conversation it is created in, and runs in that conversation's project.
 * `origin`: the event whose run made it (messages/task-origin.ts); null: the user's own.
 */
export function createSchedule(d: ScheduleServiceDeps, request: ScheduleRequest, conversationId: number, now: number, createdIn: Destination | null = null, origin: TaskOrigin | null = null): ServiceReply {
  const timeZone = timeZoneOf(d.settings);
  const checked = validateScheduleSpec(request, { timeZone, now, existingCount: d.schedules.countLive() });
  if (!checked.ok) return { ok: false, text: checked.reason };
  const same = findDuplicate(d.schedules.list(), { ...checked.schedule, conversationId });
  if (same) return { ok: false, text: duplicateReply(same, timeZone) };
  const s = d.schedules.create({ ...checked.schedule, conversationId, createdIn, origin, now });
  const task = { id: s.id, spec: s.spec, context: s.context, conversation: d.conversationName(conversationId) };
  return { ok: true, text: scheduledReply(task, checked.schedule.nextRunAt, timeZone, isTimeZoneChosen(d.settings)) };
}

export function listSchedules(d: ScheduleServiceDeps): ServiceReply {
  const timeZone = timeZoneOf(d.settings);
  const tasks = d.schedules.list().map((s) => ({ ...s, conversation: d.conversationName(s.conversationId), last: d.schedules.lastRun(s.id), from: taskOriginText(s.id, s, d.repoTrusted) }));
  return { ok: true, text: schedulesList(tasks, d.countHeld(), timeZone) };
}

export function manageSchedule(d: ScheduleServiceDeps, action: ScheduleAction, id: number, now: number): ServiceReply {
  const timeZone = timeZoneOf(d.settings);
  const reply = (ok: boolean, outcome: ManageOutcome): ServiceReply => ({ ok, text: manageReply(id, outcome, timeZone) });
  const s = d.schedules.get(id);
  if (!s) return reply(false, { kind: "missing" });
  switch (action) {
    case "trust": {
      if (s.origin === null) return { ok: false, text: trustReply(id, { kind: "own" }) };
      if (s.trustedAt !== null) return { ok: false, text: trustReply(id, { kind: "already" }) };
      d.schedules.trust(id, now);
      return { ok: true, text: trustReply(id, { kind: "trusted", origin: s.origin }) };
    }
    case "pause":
      if (s.status !== "active") return reply(false, { kind: "not_active", status: s.status });
      d.schedules.setNext(id, "paused", null, now);
      return reply(true, { kind: "paused" });
    case "resume": {
      if (s.status !== "paused") return reply(false, { kind: "not_paused", status: s.status });
      const next = nextRunAt(s.spec, timeZone, now);
      if (next === null) {
        d.schedules.setNext(id, "completed", null, now);
        return reply(false, { kind: "no_run_left" });
      }
      d.schedules.setNext(id, "active", next, now);
      return reply(true, { kind: "resumed", nextRunAt: next });
    }
    case "delete":
      d.schedules.delete(id);
      return reply(true, { kind: "deleted" });
    case "log":
      return reply(true, { kind: "log", runs: d.schedules.runs(id, 5) });
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
  return { ok: true, text: timeZoneSetReply(checked.timeZone, now) };
}

const IdArgs = z.object({ id: z.coerce.number().check(z.int(), z.positive()) });
const ZoneArgs = z.object({ timeZone: z.string().check(z.minLength(1), z.maxLength(64)) });

/**
 * The agent's tool calls (see src/protocol/relay-tools.ts), validated like commands.
 * `conversationId`: the conversation of the run that called the tool; its tasks belong there.
 * `origin`: the event that run carries, if any: a task it makes keeps it.
 */
export function runRelayTool(d: ScheduleServiceDeps, name: string, args: Record<string, unknown>, conversationId: number, now: number, origin: TaskOrigin | null = null): ServiceReply {
  const idOf = () => IdArgs.safeParse(args);
  switch (name) {
    case "schedule_create": {
      const parsed = parseScheduleRequest(args);
      return parsed.ok ? createSchedule(d, parsed.request, conversationId, now, null, origin) : { ok: false, text: parsed.reason };
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

/** Pauses every active task (a linked chat's own agent, once linked): how many. */
export function pauseAllTasks(schedules: Pick<SchedulesRepo, "list" | "setNext">, now: number): number {
  const active = schedules.list().filter((t) => t.status === "active");
  for (const t of active) schedules.setNext(t.id, "paused", null, now);
  return active.length;
}
