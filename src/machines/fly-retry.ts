// When to call the Machines API again after it refused: backoff that honours Retry-After, the
// next region after a capacity error, and the moment a lease someone else holds runs out.
import { type Backoff, backoffDelayMs } from "../shared/backoff";

/** 0.5 s doubling to at most 30 s, spread by ±20 %; a Retry-After is believed up to 5 min. */
export const FLY_BACKOFF: Backoff = { steps: { kind: "doubling", firstMs: 500, maxMs: 30_000 }, jitterRatio: 0.2, maxRetryAfterMs: 5 * 60_000 };
/** A little past a lease's expiry, so the retry does not land on the same second and fail again. */
const LEASE_MARGIN_MS = 250;

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1): 0.5 s doubling to at most 30 s,
 * spread by ±20 %; a Retry-After is a floor, never shortened by the jitter.
 */
export function flyRetryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  // A doubling backoff never runs out of steps.
  return backoffDelayMs(attempt, FLY_BACKOFF, random(), retryAfterMs)!;
}

/** FLY_REGIONS as a list: three-letter codes, in order, without repeats. */
export function parseFlyRegions(text: string | undefined, fallback = "iad"): string[] {
  const regions = (text ?? "").split(",").map((r) => r.trim().toLowerCase()).filter(Boolean);
  const valid = regions.filter((r) => /^[a-z]{3}$/.test(r));
  if (valid.length !== regions.length) throw new RangeError(`FLY_REGIONS must be three-letter region codes, got "${text}"`);
  const unique = [...new Set(valid)];
  return unique.length > 0 ? unique : [fallback];
}

/** The region to try after `failed` had no capacity, or null when every region has been tried. */
export function nextRegion(regions: readonly string[], failed: string): string | null {
  const index = regions.indexOf(failed);
  if (index === -1) return regions[0] ?? null;
  return regions[index + 1] ?? null;
}

/** When to try again to change a Machine whose lease another holder has until `leaseExpiresAt`. */
export function leaseRetryAt(leaseExpiresAt: number, now: number): number {
  return Math.max(now, leaseExpiresAt) + LEASE_MARGIN_MS;
}
