// The present during a step that awaits (an HTTP call, a stream read), from the object's one clock.
import type { Clock } from "./clock";

/**
 * The caller's `now` plus the real time elapsed since this call. Never earlier than `now` (an
 * alarm's `now` may be ahead of the clock), and it moves on in real time, so a backoff is
 * counted from when the call answered.
 */
export function stepTime(now: number, clock: Clock): () => number {
  const startedAt = clock();
  return () => now + Math.max(0, clock() - startedAt);
}
