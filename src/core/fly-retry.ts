// When to call the Machines API again after it refused: backoff that honours Retry-After, the
// next region after a capacity error, and the moment a lease someone else holds runs out.

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** A Retry-After longer than this is not believed. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const JITTER_RATIO = 0.2;
/** A little past a lease's expiry, so the retry does not land on the same second and fail again. */
const LEASE_MARGIN_MS = 250;

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1): 0.5 s doubling to at most 30 s,
 * spread by ±20 %; a Retry-After is a floor, never shortened by the jitter.
 */
export function flyRetryDelayMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
  const jittered = Math.round(base * (1 + JITTER_RATIO * (2 * random() - 1)));
  const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
  return Math.max(jittered, floor);
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
