// When a phone's Durable Object must wake next: one rule for its one alarm. Every unit that
// owns a timer (outbox retries, scheduled tasks, approvals…) reports its next due time; the
// run and the queue are read directly, because "due" for them depends on who is driving them.

/**
 * While this instance drives a run's stream, the alarm stays this far ahead: should the instance
 * die (a deploy resets it), a new one resumes the run within a minute.
 */
export const WATCHDOG_MS = 60_000;

export type WakeInput = {
  now: number;
  /** The alarm this object last set and that has not fired yet; null when none is pending. */
  storedAlarmAt: number | null;
  /** This instance is driving runs now, or starts doing so right after this plan. */
  pumping: boolean;
  /** The run that is not finished, if any. */
  run: { phase: "waiting" | "streaming"; nextAttemptAt: number } | null;
  /** Messages waiting for a run. */
  queued: number;
  /** Each other unit's next due time (null: nothing due). */
  unitsDueAt: readonly (number | null)[];
};

export type WakePlan = { action: "keep" } | { action: "set"; at: number } | { action: "delete" };

const KEEP: WakePlan = { action: "keep" };

/** The earliest time anything is due; null when nothing is. */
export function nextDueAt(input: Omit<WakeInput, "storedAlarmAt">): number | null {
  const { now, pumping, run, queued } = input;
  // A stream this instance reads needs no wake-up of its own, only the watchdog. Otherwise the
  // run is due at its next attempt: a stream nobody reads any more (the instance died) is due
  // since it opened, one that failed waits out its backoff.
  const runAt = run ? (pumping && run.phase === "streaming" ? now + WATCHDOG_MS : run.nextAttemptAt) : queued > 0 ? now : null;
  let at = runAt;
  for (const due of input.unitsDueAt) if (due !== null && (at === null || due < at)) at = due;
  return at;
}

/**
 * The alarm to set. Work this instance's pump does within the watchdog's reach needs no alarm
 * invocation of its own, only a safety net should the instance die first: an alarm between half
 * and all of WATCHDOG_MS ahead, moved only when it drifts out of that band (each set is a write).
 * But a unit due later than now and sooner than that net gets its own time: should the instance
 * die, an outbox retry or a task must not wait for the net.
 */
export function planWake(input: WakeInput): WakePlan {
  const { now, storedAlarmAt: stored, pumping } = input;
  const due = nextDueAt(input);
  if (due === null) return stored === null ? KEEP : { action: "delete" };
  if (pumping && due <= now + WATCHDOG_MS) {
    const unitAhead = earliestAfter(input.unitsDueAt, now);
    if (unitAhead !== null && unitAhead <= now + WATCHDOG_MS) return stored === unitAhead ? KEEP : { action: "set", at: unitAhead };
    const fresh = stored !== null && stored > now + WATCHDOG_MS / 2 && stored <= now + WATCHDOG_MS;
    return fresh ? KEEP : { action: "set", at: now + WATCHDOG_MS };
  }
  return stored === due ? KEEP : { action: "set", at: due };
}

function earliestAfter(times: readonly (number | null)[], now: number): number | null {
  let at: number | null = null;
  for (const t of times) if (t !== null && t > now && (at === null || t < at)) at = t;
  return at;
}

/** When a pump reading a stream must look up again so that the safety alarm never drifts out. */
export function watchdogRefreshAt(storedAlarmAt: number | null, now: number): number {
  return storedAlarmAt === null ? now : Math.max(now, storedAlarmAt - WATCHDOG_MS / 2);
}
