// What a refusal from the Machines API means for the relay, from its status and Fly's error body
// ({ "error": "...", "status"?: "insufficient_capacity" | ... }, fly-go's flaps_error.go).

type FlyFailureKind =
  | "rate_limited"
  | "unavailable"
  | "not_found"
  | "conflict"
  | "lease_held"
  | "no_capacity"
  | "unauthorized"
  | "bad_request"
  | "bad_body"
  | "unreachable";

export type FlyFailure = { ok: false; failure: FlyFailureKind; status?: number; message?: string; retryAfterMs?: number; leaseExpiresAt?: number };

/** flyd's words for a host or region without room, whatever the status code carrying them. */
const CAPACITY = /no capacity|insufficient (resources|memory|capacity)|could not reserve resource|over the allowed quota/i;
/** "aborted: machine ID … lease currently held by <owner>, expires at 2026-08-14T09:57:35Z" */
const LEASE_HELD = /lease currently held by .*?expires at (\S+?)\.?$/i;

export function classifyFlyFailure(status: number, body: { error?: string; status?: string } | null, retryAfterMs?: number): FlyFailure {
  const message = body?.error ?? "";
  const base = { ok: false as const, status, ...(message ? { message } : {}) };
  if (status === 429) return { ...base, failure: "rate_limited", ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  // Before 5xx: fly-go's own tests show a region out of capacity answering 503 with this status.
  if (body?.status === "insufficient_capacity" || CAPACITY.test(message)) return { ...base, failure: "no_capacity" };
  if (status >= 500 || status === 408) return { ...base, failure: "unavailable", ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 401 || status === 403) return { ...base, failure: "unauthorized" };
  if (status === 404) return { ...base, failure: "not_found" };
  const lease = LEASE_HELD.exec(message);
  if (status === 409 && lease) {
    const text = lease[1]!;
    const at = Date.parse(text);
    // flyd writes whole seconds: the lease ends before the next one, so that is when it is surely over.
    const endsBy = /\.\d+Z?$/.test(text) ? at : at + 1_000;
    return { ...base, failure: "lease_held", ...(Number.isNaN(at) ? {} : { leaseExpiresAt: endsBy }) };
  }
  if (status === 409 || status === 412 || status === 422) return { ...base, failure: "conflict" };
  // A create naming a volume (or Machine) that no longer exists answers 400 "… not found".
  if (status === 400 && /not found/i.test(message)) return { ...base, failure: "not_found" };
  return { ...base, failure: "bad_request" };
}
