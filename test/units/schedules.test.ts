// The schedules unit over a real SQLite: when the next task is due, claiming due tasks into the
// queue exactly once (a redelivered alarm, downtime), and how a task's run ends (the retry
// backoff of a failing task, told once per streak).
import { describe, expect, it } from "vitest";
import { TASK_RETRY_DELAYS_MS } from "../../src/schedules/schedule-retry";
import type { ScheduleSpec } from "../../src/schedules/schedule-math";
import { createSchedules } from "../../src/schedules/schedules-unit";
import { HOUR, T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const unit = () => createSchedules({ repo: t.repos.schedules, messages: t.repos.messages, settings: t.repos.settings, transaction: t.sql.transaction, repoTrusted: () => false });
const hourly: ScheduleSpec = { kind: "interval", everyMs: HOUR, anchorAt: T0 };
const add = (spec: ScheduleSpec, nextRunAt: number, context: "fresh" | "chat" = "fresh") =>
  t.repos.schedules.create({ spec, prompt: "summarize the open PRs", context, nextRunAt, conversationId: 1, now: T0 });
const queued = () => t.rows<{ id: string; body: string; kind: string; schedule_id: number }>("SELECT id, body, kind, schedule_id FROM messages ORDER BY seq");
const taskRuns = () => t.rows<{ id: string; status: string; error: string | null; result_excerpt: string | null }>("SELECT id, status, error, result_excerpt FROM task_runs ORDER BY claimed_at, id");

describe("nextDueAt", () => {
  it("is the earliest active task's next run; paused and completed tasks are not due", () => {
    const schedules = unit();
    expect(schedules.nextDueAt()).toBeNull();
    const a = add(hourly, T0 + HOUR);
    const b = add(hourly, T0 + 2 * HOUR);
    expect(schedules.nextDueAt()).toBe(T0 + HOUR);
    t.repos.schedules.setNext(a.id, "paused", T0 + HOUR, T0);
    expect(schedules.nextDueAt()).toBe(T0 + 2 * HOUR);
    t.repos.schedules.setNext(b.id, "completed", null, T0);
    expect(schedules.nextDueAt()).toBeNull();
  });
});

describe("runDue", () => {
  it.each([
    { name: "before its time: nothing", now: T0 + HOUR - 1, claimed: 0, next: T0 + HOUR },
    { name: "at its time: one run, the next slot set", now: T0 + HOUR, claimed: 1, next: T0 + 2 * HOUR },
    // After downtime: one run, never one per missed slot, and the next slot is after now.
    { name: "five slots late: one run, the next slot after now", now: T0 + 5.5 * HOUR, claimed: 1, next: T0 + 6 * HOUR },
  ])("$name", ({ now, claimed, next }) => {
    const schedules = unit();
    const task = add(hourly, T0 + HOUR, "chat");
    expect(schedules.runDue(now)).toBe(claimed);
    expect(schedules.nextDueAt()).toBe(next);
    expect(queued()).toEqual(claimed ? [{ id: `task-${task.id}-${T0 + HOUR}`, body: "summarize the open PRs", kind: "task_chat", schedule_id: task.id }] : []);
    expect(taskRuns().map((r) => r.status)).toEqual(claimed ? ["queued"] : []);
  });

  it("a redelivered alarm claims nothing more, even when the task's row was put back as due", () => {
    const schedules = unit();
    const task = add(hourly, T0 + HOUR);
    expect(schedules.runDue(T0 + HOUR)).toBe(1);
    expect(schedules.runDue(T0 + HOUR)).toBe(0);
    // As if the move to the next slot had been lost: the run's id (task, due time) still dedupes.
    t.repos.schedules.setNext(task.id, "active", T0 + HOUR, T0 + HOUR);
    expect(schedules.runDue(T0 + HOUR)).toBe(0);
    expect(queued()).toHaveLength(1);
    expect(schedules.nextDueAt()).toBe(T0 + 2 * HOUR);
  });

  it("a once task completes when claimed and is never due again", () => {
    const schedules = unit();
    add({ kind: "once", at: T0 + HOUR }, T0 + HOUR);
    expect(schedules.runDue(T0 + HOUR)).toBe(1);
    expect(t.rows<{ status: string }>("SELECT status FROM schedules")).toEqual([{ status: "completed" }]);
    expect(schedules.nextDueAt()).toBeNull();
  });
});

describe("how a task's run ends", () => {
  const claimed = () => {
    const schedules = unit();
    const task = add(hourly, T0 + HOUR);
    schedules.runDue(T0 + HOUR);
    const message = { id: `task-${task.id}-${T0 + HOUR}`, scheduleId: task.id };
    schedules.markStarted([message], T0 + HOUR);
    return { schedules, task, message };
  };

  it("an answer is logged with its excerpt and ends a failing streak", () => {
    const { schedules, task, message } = claimed();
    t.repos.schedules.setFailures(task.id, 2, T0);
    expect(taskRuns()[0]!.status).toBe("running");
    expect(schedules.recordResult(message, { text: "all  green\nno open PRs", isError: false, costUsd: 0.01, now: T0 + HOUR + 5 })).toEqual({ taskId: task.id });
    expect(taskRuns()[0]).toMatchObject({ status: "succeeded", result_excerpt: "all green no open PRs", error: null });
    expect(t.repos.schedules.get(task.id)!.consecutiveFailures).toBe(0);
  });

  it("failures back off 30 s, then 1 min, and the user is told at the first only", () => {
    const { schedules, task, message } = claimed();
    const failAt = T0 + HOUR + 10;
    expect(schedules.recordFailure(message, "time_limit", failAt)).toBe(task.id);
    expect(schedules.nextDueAt()).toBe(failAt + TASK_RETRY_DELAYS_MS[0]);
    // The retry is claimed like any due run, and fails again.
    const retryAt = failAt + TASK_RETRY_DELAYS_MS[0];
    expect(schedules.runDue(retryAt)).toBe(1);
    expect(schedules.recordFailure({ id: `task-${task.id}-${retryAt}`, scheduleId: task.id }, "time_limit", retryAt)).toBeNull();
    expect(schedules.nextDueAt()).toBe(retryAt + TASK_RETRY_DELAYS_MS[1]);
    expect(taskRuns().map((r) => [r.status, r.error])).toEqual([
      ["failed", "time_limit"],
      ["failed", "time_limit"],
    ]);
    expect(t.repos.schedules.get(task.id)!.consecutiveFailures).toBe(2);
  });

  it("an answer the agent marked as an error counts as a failure; a user's message is none of this unit's", () => {
    const { schedules, task, message } = claimed();
    expect(schedules.recordResult(message, { text: "boom", isError: true, costUsd: 0, now: T0 + HOUR })).toEqual({ taskId: task.id });
    expect(taskRuns()[0]).toMatchObject({ status: "failed", error: "the agent reported an error" });
    expect(t.repos.schedules.get(task.id)!.consecutiveFailures).toBe(1);
    expect(schedules.recordResult({ id: "SMuser", scheduleId: null }, { text: "hi", isError: false, costUsd: 0, now: T0 })).toBeNull();
    expect(schedules.recordFailure({ id: "SMuser", scheduleId: null }, "x", T0)).toBeNull();
  });
});
