// Fly's documented Machines API limits as token buckets: per action and per identifier (a Machine
// id, or the app for creates and lists), 1 request/s with bursts of 3; Get Machine 5/s, bursts of 10.

export type Bucket = { tokens: number; updatedAt: number };
export type Limit = { perSecond: number; burst: number };

export const ACTION_LIMIT: Limit = { perSecond: 1, burst: 3 };
export const GET_MACHINE_LIMIT: Limit = { perSecond: 5, burst: 10 };

/** Takes one token if there is one; otherwise says how long until there will be. */
export function takeToken(bucket: Bucket | undefined, limit: Limit, now: number): { bucket: Bucket; retryAfterMs?: number } {
  const start = bucket ?? { tokens: limit.burst, updatedAt: now };
  const tokens = Math.min(limit.burst, start.tokens + ((now - start.updatedAt) / 1000) * limit.perSecond);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, updatedAt: now } };
  return { bucket: { tokens, updatedAt: now }, retryAfterMs: Math.ceil(((1 - tokens) / limit.perSecond) * 1000) };
}
