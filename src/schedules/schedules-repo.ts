// Scheduled tasks of one user and the log of their runs.
import * as z from "zod/mini";
import type { ScheduleSpec } from "./schedule-math";
import type { TaskContext } from "./schedule-validate";
import type { Destination } from "../directory/link-doors";
import type { TaskOrigin } from "../messages/task-origin";
import { CHANNEL_NAMES } from "../channels";
import { createDueTimesRepo, type DueTimesRepo, keepingDueTime } from "../shared/due-times-repo";
import type { Sql } from "../shared/sql";

/** Built once: a schema per row costs CPU on the webhook path. */
const ScheduleContextSchema = z.enum(["fresh", "chat"]);
const ScheduleStatusSchema = z.enum(["active", "paused", "completed"]);
const TaskRunStatusSchema = z.enum(["queued", "running", "succeeded", "failed"]);

const SpecSchema: z.ZodMiniType<ScheduleSpec> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cron"), expr: z.string() }),
  z.object({ kind: z.literal("interval"), everyMs: z.number().check(z.int(), z.positive()), anchorAt: z.number() }),
  z.object({ kind: z.literal("once"), at: z.number() }),
]);

type ScheduleStatus = "active" | "paused" | "completed";

type ScheduleRow = {
  id: number;
  spec_json: string;
  prompt: string;
  context: string;
  status: string;
  next_run_at: number | null;
  consecutive_failures: number;
  created_at: number;
  conversation_id: number;
  channel: string | null;
  chat: string | null;
  origin_label: string | null;
  origin_repo: string | null;
  origin_trusted_at: number | null;
};

const ChannelSchema = z.nullable(z.enum(CHANNEL_NAMES));

export type Schedule = {
  id: number;
  spec: ScheduleSpec;
  prompt: string;
  context: TaskContext;
  status: ScheduleStatus;
  nextRunAt: number | null;
  consecutiveFailures: number;
  /** The conversation it was created in: it runs in that project (and, --in-chat, its session). */
  conversationId: number;
  /** The chat it was created in (its results go back there); null: before this was kept, or the agent's tools. */
  createdIn: Destination | null;
  /** The event whose run made it (messages/task-origin.ts); null: the user's own. */
  origin: TaskOrigin | null;
  /** When the user trusted it (`/schedule trust`); null: not (or its origin is none). */
  trustedAt: number | null;
};

function toSchedule(row: ScheduleRow): Schedule {
  const channel = ChannelSchema.parse(row.channel);
  return {
    id: row.id,
    spec: SpecSchema.parse(JSON.parse(row.spec_json)),
    prompt: row.prompt,
    context: ScheduleContextSchema.parse(row.context),
    status: ScheduleStatusSchema.parse(row.status),
    nextRunAt: row.next_run_at,
    consecutiveFailures: row.consecutive_failures,
    conversationId: row.conversation_id,
    createdIn: channel === null ? null : { channel, chat: row.chat },
    origin: row.origin_label === null ? null : { label: row.origin_label, repo: row.origin_repo },
    trustedAt: row.origin_trusted_at,
  };
}

type TaskRunRow = {
  id: string;
  schedule_id: number;
  due_at: number;
  claimed_at: number;
  started_at: number | null;
  finished_at: number | null;
  status: string;
  cost_usd: number;
  result_excerpt: string | null;
  error: string | null;
};

type TaskRun = {
  id: string;
  scheduleId: number;
  dueAt: number;
  claimedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  status: "queued" | "running" | "succeeded" | "failed";
  costUsd: number;
  resultExcerpt: string | null;
  error: string | null;
};

function toTaskRun(row: TaskRunRow): TaskRun {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    dueAt: row.due_at,
    claimedAt: row.claimed_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: TaskRunStatusSchema.parse(row.status),
    costUsd: row.cost_usd,
    resultExcerpt: row.result_excerpt,
    error: row.error,
  };
}

/**
 * `dueTimes`: where the schedules' next due time is kept (due-times-repo.ts); every write that
 * moves a task's next run stores it.
 */
export function createSchedulesRepo(sql: Sql, dueTimes: DueTimesRepo = createDueTimesRepo(sql)) {
  const get = (id: number): Schedule | null => {
    const row = sql<ScheduleRow>`SELECT * FROM schedules WHERE id = ${id}`[0];
    return row ? toSchedule(row) : null;
  };
  const repo = {
    get,
    create(s: { spec: ScheduleSpec; prompt: string; context: TaskContext; nextRunAt: number; conversationId: number; createdIn?: Destination | null; origin?: TaskOrigin | null; now: number }): Schedule {
      const [row] = sql<{ id: number }>`INSERT INTO schedules (spec_json, prompt, context, status, next_run_at, conversation_id, channel, chat, origin_label, origin_repo, created_at, updated_at)
        VALUES (${JSON.stringify(s.spec)}, ${s.prompt}, ${s.context}, 'active', ${s.nextRunAt}, ${s.conversationId}, ${s.createdIn?.channel ?? null}, ${s.createdIn?.chat ?? null},
          ${s.origin?.label ?? null}, ${s.origin?.repo ?? null}, ${s.now}, ${s.now}) RETURNING id`;
      return get(row!.id)!;
    },
    /** `/schedule trust`: a task an event's run made runs as the user's own from now on. */
    trust(id: number, now: number): void {
      sql`UPDATE schedules SET origin_trusted_at = ${now}, updated_at = ${now} WHERE id = ${id} AND origin_label IS NOT NULL`;
    },
    /** Every task but deleted ones, oldest first. */
    list(): Schedule[] {
      return sql<ScheduleRow>`SELECT * FROM schedules ORDER BY id`.map(toSchedule);
    },
    /** Tasks of one conversation that have not completed (they keep it from being deleted). */
    liveOf(conversationId: number): number[] {
      return sql<{ id: number }>`SELECT id FROM schedules WHERE conversation_id = ${conversationId} AND status != 'completed' ORDER BY id`.map((r) => r.id);
    },
    countLive(): number {
      return sql<{ n: number }>`SELECT count(*) AS n FROM schedules WHERE status != 'completed'`[0]?.n ?? 0;
    },
    due(now: number): Schedule[] {
      return sql<ScheduleRow>`SELECT * FROM schedules WHERE status = 'active' AND next_run_at <= ${now} ORDER BY next_run_at, id`.map(
        toSchedule,
      );
    },
    /** Asked whenever the alarm is set and while a stream is read: the stored time, one table for every unit. */
    nextDueAt: (): number | null => dueTimes.of("schedules"),
    setNext(id: number, status: ScheduleStatus, nextRunAt: number | null, now: number): void {
      sql`UPDATE schedules SET status = ${status}, next_run_at = ${nextRunAt}, updated_at = ${now} WHERE id = ${id}`;
    },
    setFailures(id: number, consecutiveFailures: number, now: number): void {
      sql`UPDATE schedules SET consecutive_failures = ${consecutiveFailures}, updated_at = ${now} WHERE id = ${id}`;
    },
    delete(id: number): boolean {
      return sql`DELETE FROM schedules WHERE id = ${id} RETURNING id`.length === 1;
    },
    addRun(r: { id: string; scheduleId: number; dueAt: number; now: number }): boolean {
      return (
        sql`INSERT INTO task_runs (id, schedule_id, due_at, claimed_at, status) VALUES (${r.id}, ${r.scheduleId}, ${r.dueAt}, ${r.now}, 'queued')
          ON CONFLICT (id) DO NOTHING RETURNING id`.length === 1
      );
    },
    getRun(id: string): TaskRun | null {
      const row = sql<TaskRunRow>`SELECT * FROM task_runs WHERE id = ${id}`[0];
      return row ? toTaskRun(row) : null;
    },
    startRun(id: string, now: number): void {
      sql`UPDATE task_runs SET status = 'running', started_at = coalesce(started_at, ${now}) WHERE id = ${id} AND status = 'queued'`;
    },
    finishRun(id: string, r: { status: "succeeded" | "failed"; costUsd: number; excerpt: string | null; error: string | null; now: number }): void {
      sql`UPDATE task_runs SET status = ${r.status}, finished_at = ${r.now}, cost_usd = cost_usd + ${r.costUsd},
          result_excerpt = ${r.excerpt}, error = ${r.error}
        WHERE id = ${id} AND status IN ('queued', 'running')`;
    },
    runs(scheduleId: number, limit: number): TaskRun[] {
      return sql<TaskRunRow>`SELECT * FROM task_runs WHERE schedule_id = ${scheduleId} ORDER BY claimed_at DESC LIMIT ${limit}`.map(
        toTaskRun,
      );
    },
    lastRun(scheduleId: number): TaskRun | null {
      const row = sql<TaskRunRow>`SELECT * FROM task_runs WHERE schedule_id = ${scheduleId} ORDER BY claimed_at DESC LIMIT 1`[0];
      return row ? toTaskRun(row) : null;
    },
  };
  const earliestActive = (): number | null => sql<{ at: number | null }>`SELECT min(next_run_at) AS at FROM schedules WHERE status = 'active'`[0]?.at ?? null;
  return keepingDueTime(repo, { dueTimes, unit: "schedules", dueAt: earliestActive, writes: ["create", "setNext", "delete"] });
}
export type SchedulesRepo = ReturnType<typeof createSchedulesRepo>;
