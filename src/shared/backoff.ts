// The one backoff: how long to wait after the n-th failure, for the outbox, tasks, Fly and dispatch.

/**
 * The delays between attempts: a fixed list (after its last entry the attempts end), or a delay
 * that doubles from `firstMs` up to `maxMs` and never ends.
 */
export type BackoffSteps = { kind: "list"; delaysMs: readonly number[] } | { kind: "doubling"; firstMs: number; maxMs: number };

export type Backoff = {
  steps: BackoffSteps;
  /** With ratio r a delay d is spread uniformly over [d·(1-r), d·(1+r)), so many phones do not retry at one instant. */
  jitterRatio: number;
  /**
   * The longest wait, jitter included. The base delay stops short of it by the jitter's share,
   * so the jitter still spreads phones below it. Unset: the steps alone bound the wait.
   */
  maxGapMs?: number;
  /** A server's Retry-After is believed up to this long; unset: a Retry-After is ignored. */
  maxRetryAfterMs?: number;
};

/** Dispatching a run to the VM: 5 retries after the first attempt, 6 attempts in all. */
export const DISPATCH_RETRY_DELAYS_MS = [5000, 10000, 20000, 40000, 80000] as const;
export const DISPATCH_BACKOFF: Backoff = { steps: { kind: "list", delaysMs: DISPATCH_RETRY_DELAYS_MS }, jitterRatio: 0 };

/**
 * The wait after the `failures`-th failure in a row (counting from 1), or null when the steps are
 * used up. `jitter` is a draw in [0, 1) (Math.random() in the shell), 0.5 for no spread.
 * `retryAfterMs` (a server's Retry-After) is a floor the jitter never shortens.
 */
export function backoffDelayMs(failures: number, backoff: Backoff, jitter: number, retryAfterMs?: number): number | null {
  checkBackoff(backoff);
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures must be a positive integer, got ${failures}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must be within [0, 1], got ${jitter}`);
  const { steps, jitterRatio, maxGapMs } = backoff;
  const stepMs = steps.kind === "list" ? steps.delaysMs[failures - 1] : Math.min(steps.maxMs, steps.firstMs * 2 ** Math.min(failures - 1, 60));
  if (stepMs === undefined) return null;
  const base = maxGapMs === undefined ? stepMs : Math.min(stepMs, maxGapMs / (1 + jitterRatio));
  const spread = jitterRatio === 0 ? base : Math.round(base * (1 + jitterRatio * (2 * jitter - 1)));
  const jittered = Math.min(spread, maxGapMs ?? Number.POSITIVE_INFINITY);
  const floor = backoff.maxRetryAfterMs !== undefined && retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, backoff.maxRetryAfterMs) : 0;
  return Math.max(jittered, floor);
}

/** Programmer errors in a backoff's options throw at once rather than making odd schedules. */
function checkBackoff({ steps, jitterRatio, maxGapMs, maxRetryAfterMs }: Backoff): void {
  const positive = (x: number) => Number.isFinite(x) && x > 0;
  if (!(jitterRatio >= 0 && jitterRatio <= 1)) throw new RangeError(`jitterRatio must be within [0, 1], got ${jitterRatio}`);
  if (steps.kind === "list" && !steps.delaysMs.every((d) => Number.isFinite(d) && d >= 0)) throw new RangeError(`delays must be finite and non-negative, got ${steps.delaysMs.join(",")}`);
  if (steps.kind === "doubling" && !(positive(steps.firstMs) && positive(steps.maxMs) && steps.firstMs <= steps.maxMs)) {
    throw new RangeError(`a doubling backoff needs 0 < firstMs <= maxMs, got ${steps.firstMs} and ${steps.maxMs}`);
  }
  if (maxRetryAfterMs !== undefined && !positive(maxRetryAfterMs)) throw new RangeError(`maxRetryAfterMs must be positive, got ${maxRetryAfterMs}`);
  if (maxGapMs !== undefined && !(maxGapMs >= (steps.kind === "doubling" ? steps.firstMs : 0))) {
    throw new RangeError(`maxGapMs must be at least the first delay, got ${maxGapMs}`);
  }
}

/**
 * When the next attempt is due, given how many attempts have been made so far: zero means due
 * now; after the k-th, `delays[k - 1]` later; null once the delays are used up. `random` draws
 * the jitter (see backoffDelayMs).
 */
export function nextRetryAt(
  attemptsSoFar: number,
  now: number,
  delays: readonly number[],
  jitterRatio = 0,
  random: () => number = Math.random,
): number | null {
  if (!Number.isInteger(attemptsSoFar) || attemptsSoFar < 0) {
    throw new RangeError(`attemptsSoFar must be a non-negative integer, got ${attemptsSoFar}`);
  }
  const backoff: Backoff = { steps: { kind: "list", delaysMs: delays }, jitterRatio };
  checkBackoff(backoff);
  if (attemptsSoFar === 0) return now;
  const delay = backoffDelayMs(attemptsSoFar, backoff, jitterRatio === 0 ? 0.5 : random());
  return delay === null ? null : now + delay;
}

/** The earliest of some times, ignoring absent ones; null when none is present. */
export function earliest(...times: (number | null | undefined)[]): number | null {
  let min: number | null = null;
  for (const time of times) {
    if (time === null || time === undefined) continue;
    if (Number.isNaN(time)) throw new RangeError("earliest() was given NaN");
    if (min === null || time < min) min = time;
  }
  return min;
}
