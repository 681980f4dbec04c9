// Scheduled tasks in the queue: claiming due tasks exactly once, and recording how their runs
// ended. Call inside a transaction; every function here only reads and writes rows.
import { nextRunAt } from "../core/schedule-math";
import { nextAttemptAfterFailure, shouldNotifyFailure } from "../core/schedule-retry";
import type { QueuedMessage } from "./db/messages-repo";
import type { Repos } from "./run-effects";

export const DEFAULT_TIME_ZONE = "UTC";
const EXCERPT_CHARS = 200;

export function timeZoneOf(repos: Repos): string {
  return repos.settings.get("time_zone") ?? DEFAULT_TIME_ZONE;
}

/**
 * Claims every due task: its prompt joins the queue and its next run time moves on, in the
 * same transaction, before anything is dispatched, so a repeated alarm cannot run it twice.
 * After downtime the next run is computed from now: one run, never one per missed slot.
 */
export function claimDueTasks(repos: Repos, transaction: <T>(fn: () => T) => T, now: number): string[] {
  const nextDueAt = repos.schedules.nextDueAt();
  if (nextDueAt === null || nextDueAt > now) return [];
  const claimed: string[] = [];
  const zone = timeZoneOf(repos);
  for (const schedule of repos.schedules.due(now)) {
    transaction(() => {
      const dueAt = schedule.nextRunAt ?? now;
      const id = `task-${schedule.id}-${dueAt}`;
      if (repos.schedules.addRun({ id, scheduleId: schedule.id, dueAt, now })) {
        const kind = schedule.context === "fresh" ? "task_fresh" : "task_chat";
        repos.messages.insert({ id, body: schedule.prompt, media: [], kind, now });
        claimed.push(id);
      }
      const next = nextRunAt(schedule.spec, zone, now);
      repos.schedules.setNext(schedule.id, next === null ? "completed" : "active", next, now);
    });
  }
  return claimed;
}

export function isTask(message: Pick<QueuedMessage, "kind">): boolean {
  return message.kind !== "user";
}

/** The schedule a task message was claimed from (`task-<scheduleId>-<dueAt>`). */
export function scheduleIdOf(messageId: string): number | null {
  const match = /^task-(\d+)-\d+$/.exec(messageId);
  return match ? Number(match[1]) : null;
}

export function markTasksStarted(repos: Repos, messages: readonly QueuedMessage[], now: number): void {
  for (const m of messages) if (isTask(m)) repos.schedules.startRun(m.id, now);
}

/** A task's turn was answered; an answer the agent marked as an error counts as a failure. */
export function recordTaskResult(
  repos: Repos,
  messageId: string,
  r: { text: string; isError: boolean; costUsd: number; now: number },
): { taskId: number } | null {
  const scheduleId = scheduleIdOf(messageId);
  if (scheduleId === null || !repos.schedules.getRun(messageId)) return null;
  const excerpt = r.text.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS);
  repos.schedules.finishRun(messageId, {
    status: r.isError ? "failed" : "succeeded",
    costUsd: r.costUsd,
    excerpt,
    error: r.isError ? "the agent reported an error" : null,
    now: r.now,
  });
  if (r.isError) recordFailure(repos, scheduleId, r.now);
  else repos.schedules.setFailures(scheduleId, 0, r.now);
  return { taskId: scheduleId };
}

/** A task's run ended without an answer. Returns whether to tell the user (once per streak). */
export function recordTaskFailure(repos: Repos, messageId: string, error: string, now: number): boolean {
  const scheduleId = scheduleIdOf(messageId);
  if (scheduleId === null || !repos.schedules.getRun(messageId)) return false;
  repos.schedules.finishRun(messageId, { status: "failed", costUsd: 0, excerpt: null, error, now });
  return recordFailure(repos, scheduleId, now);
}

function recordFailure(repos: Repos, scheduleId: number, now: number): boolean {
  const schedule = repos.schedules.get(scheduleId);
  if (!schedule) return false;
  const failures = schedule.consecutiveFailures + 1;
  repos.schedules.setFailures(scheduleId, failures, now);
  if (schedule.status !== "paused") {
    const retryAt = nextAttemptAfterFailure(schedule.spec, timeZoneOf(repos), failures, now);
    repos.schedules.setNext(scheduleId, retryAt === null ? "completed" : "active", retryAt, now);
  }
  return shouldNotifyFailure(failures);
}
