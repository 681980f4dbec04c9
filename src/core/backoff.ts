// Retry delays and next-alarm arithmetic: dispatching runs, retrying tasks (see outbox-policy.ts).

/** Dispatching a run to the VM: 5 retries after the first attempt, 6 attempts in all. */
export const DISPATCH_RETRY_DELAYS_MS = [5000, 10000, 20000, 40000, 80000] as const;

/**
 * When the next attempt is due, given how many attempts have been made so far.
 * `delays[k - 1]` follows the k-th attempt, so there are `delays.length + 1` attempts in
 * all; after the last one this returns null. Zero attempts so far means due now.
 * With `jitterRatio` r the delay is spread uniformly over [delay·(1-r), delay·(1+r)),
 * which keeps many users' retries from landing on the same instant.
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
  if (!(jitterRatio >= 0 && jitterRatio <= 1)) {
    throw new RangeError(`jitterRatio must be within [0, 1], got ${jitterRatio}`);
  }
  if (attemptsSoFar === 0) return now;
  const delay = delays[attemptsSoFar - 1];
  if (delay === undefined) return null;
  const factor = jitterRatio === 0 ? 1 : 1 + jitterRatio * (2 * random() - 1);
  return now + Math.round(delay * factor);
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
