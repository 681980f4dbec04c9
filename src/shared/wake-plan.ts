// When a phone's Durable Object must wake next: one rule for its one alarm. Every unit of the
// object (runs, outbox, schedules, approvals…) reports its next due time, and the plan is made
// from that one list; the runs unit's time comes from runsDueAt.

/**
 * While this instance pumps (reads a run's stream), the alarm stays at most this far ahead: should
 * the instance die (a crash, a deploy), a new one resumes the run within this, so a reply under
 * way is not held a minute. Only a pump pays for it; an idle object keeps no alarm at all.
 */
export const WATCHDOG_MS = 10_000;
/**
 * The watchdog is pushed back only once it comes this close to firing: one alarm write per
 * WATCHDOG_MS - WATCHDOG_LEAD_MS of a pump, the least that keeps it from firing under a live pump
 * (a late push costs only an alarm that finds the pump running and sets the next).
 */
export const WATCHDOG_LEAD_MS = 2_000;

export type WakeInput = {
  now: number;
  /** The alarm this object last set and that has not fired yet; null when none is pending. */
  storedAlarmAt: number | null;
  /** This instance is driving its units now, or starts doing so right after this plan. */
  pumping: boolean;
  /** Each unit's next due time (null: nothing due), the runs unit's included. */
  dueAt: readonly (number | null)[];
};

export type WakePlan = { action: "keep" } | { action: "set"; at: number } | { action: "delete" };

const KEEP: WakePlan = { action: "keep" };

/**
 * When the runs unit is due. A stream this instance reads is due now (the pump reads every one;
 * the plan gives them only the watchdog). Otherwise each open run is due at its next attempt: a
 * stream nobody reads any more (the instance died) since it opened, one that failed after its
 * backoff. The queue is due now when a batch may start beside them (runs/run-slots.ts), unless a
 * spent budget holds it (the budget unit's time). `queue` is read only when no stream is read:
 * every stored message changes it, and a pump that reads a stream looks at the queue anyway.
 */
export function runsDueAt(r: { now: number; reading: boolean; runs: readonly { nextAttemptAt: number }[]; queue: () => { startable: boolean; held: boolean } }): number | null {
  if (r.reading) return r.now;
  const { startable, held } = r.queue();
  return earliest([...r.runs.map((run) => run.nextAttemptAt), startable && !held ? r.now : null]);
}

/**
 * The alarm to set. Work this instance's pump does within the watchdog's reach needs no alarm
 * invocation of its own, only a safety net should the instance die first: an alarm more than
 * WATCHDOG_LEAD_MS and at most WATCHDOG_MS ahead, moved only when it drifts out of that band
 * (each set is a write).
 * But a unit due later than now and sooner than that net gets its own time: should the instance
 * die, an outbox retry or a task must not wait for the net.
 */
export function planWake(input: WakeInput): WakePlan {
  const { now, storedAlarmAt: stored, pumping } = input;
  const due = earliest(input.dueAt);
  if (due === null) return stored === null ? KEEP : { action: "delete" };
  if (pumping && due <= now + WATCHDOG_MS) {
    const ahead = earliest(input.dueAt.filter((t) => t !== null && t > now));
    if (ahead !== null && ahead <= now + WATCHDOG_MS) return stored === ahead ? KEEP : { action: "set", at: ahead };
    const fresh = stored !== null && stored > now + WATCHDOG_LEAD_MS && stored <= now + WATCHDOG_MS;
    return fresh ? KEEP : { action: "set", at: now + WATCHDOG_MS };
  }
  return stored === due ? KEEP : { action: "set", at: due };
}

/** The earliest of some due times; null when none is set. */
export function earliest(times: readonly (number | null)[]): number | null {
  let at: number | null = null;
  for (const t of times) if (t !== null && (at === null || t < at)) at = t;
  return at;
}

/**
 * When a pump reading a stream must look up again so that the safety alarm never drifts out; null
 * when it need not: the alarm is a unit's own due time still ahead (`dueAt`, planWake's `ahead`),
 * which fires then whatever the pump does and bounds the read already. Pulling the read back to
 * WATCHDOG_LEAD_MS before such an alarm asked for a refresh the plan keeps declining (the alarm is
 * already where it should be), so the pump spun on the stream until the unit came due: tens of
 * thousands of steps a second during a Twilio outage, whose retries come 1-4 s apart.
 */
export function watchdogRefreshAt(storedAlarmAt: number | null, now: number, dueAt: readonly (number | null)[] = []): number | null {
  if (storedAlarmAt === null) return now;
  if (storedAlarmAt > now && dueAt.includes(storedAlarmAt)) return null;
  return Math.max(now, storedAlarmAt - WATCHDOG_LEAD_MS);
}
