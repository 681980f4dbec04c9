// When a failing scheduled task is tried again, and when its owner hears about it.
import { earliest, nextRetryAt } from "../shared/backoff";
import { nextRunAt, type ScheduleSpec } from "./schedule-math";

/** After the 1st, 2nd, … consecutive failure: 30 s, 1 min, 5 min, 15 min, 60 min. */
export const TASK_RETRY_DELAYS_MS = [30_000, 60_000, 300_000, 900_000, 3_600_000] as const;

/** When a task that has just failed `consecutiveFailures` times in a row is retried; null when the delays are used up. */
export function taskRetryAt(consecutiveFailures: number, now: number): number | null {
  return nextRetryAt(consecutiveFailures, now, TASK_RETRY_DELAYS_MS);
}

/**
 * The task's next attempt after a failure: the retry, unless its regular next run comes first.
 * A recurring task whose retries are used up waits for its regular runs; a once task then has
 * no next attempt (null) and is finished as failed.
 */
export function nextAttemptAfterFailure(
  spec: ScheduleSpec,
  timeZone: string,
  consecutiveFailures: number,
  now: number,
): number | null {
  const retryAt = taskRetryAt(consecutiveFailures, now);
  if (spec.kind === "once") return retryAt;
  return earliest(retryAt, nextRunAt(spec, timeZone, now));
}

/** The user is told when a task starts failing, not at every failure of the same streak. */
export function shouldNotifyFailure(consecutiveFailures: number): boolean {
  return consecutiveFailures === 1;
}
