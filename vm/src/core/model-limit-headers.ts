// When a model's refusal lifts, read from the headers of its 429. The CLI tells the VM a
// subscription's reset itself (its `rate_limit_event`), but with an API key and a long
// `retry-after` it fails the turn with no reset anywhere in its output (docs/notes/cli-observations.md):
// only the credential proxy sees the answer's headers, and it reads them here. Pure: the caller
// gives the clock.
import type { IncomingHttpHeaders } from "node:http";

/** A refusal's reset (epoch ms) and the limit's name, each null when the answer does not say. */
export type ModelLimitSeen = { resetsAt: number | null; limit: string | null };

/** A reset further away than this is no reset we trust (a clock or a header gone wrong): none is taken. */
export const MAX_RESET_AHEAD_MS = 8 * 24 * 60 * 60 * 1000;

/**
 * Anthropic's rate limits on an API key, each with `-remaining` and `-reset` (RFC 3339) headers;
 * the limit's name is the one the relay shows ("its input tokens limit").
 */
const RATE_LIMITS = [
  { header: "requests", name: "requests" },
  { header: "input-tokens", name: "input_tokens" },
  { header: "output-tokens", name: "output_tokens" },
  { header: "tokens", name: "tokens" },
] as const;

/** Whether a limit's name is one the relay may show (`five_hour`, `seven_day_opus`, `requests`): anything else is not taken. */
export const isLimitName = (name: string): boolean => /^[a-z0-9_]{1,40}$/.test(name);

const headerOf = (headers: IncomingHttpHeaders, name: string): string | null => {
  const value = headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined || one.trim() === "" ? null : one.trim();
};

/** `retry-after`: whole seconds, or an HTTP date (RFC 9110). */
function retryAfterAt(value: string, now: number): number | null {
  if (/^\d+$/.test(value)) return now + Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/** `anthropic-ratelimit-unified-reset`: epoch seconds. */
function epochSecondsAt(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) * 1000 : null;
}

/** An RFC 3339 time; Date.parse takes more than that, so the shape is checked first. */
function rfc3339At(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/**
 * What a model answer says of its refusal, or null when it is no refusal (anything but a 429).
 * The reset, first found of: `retry-after` (what Anthropic asks a client to wait), the
 * subscription's `anthropic-ratelimit-unified-reset`, and the latest reset of the API key's limits
 * that have nothing left. The name: the subscription's representative claim, else the first
 * exhausted API-key limit. A reset not after `now`, or too far ahead, is taken as unknown.
 */
export function modelLimitOfAnswer(status: number | undefined, headers: IncomingHttpHeaders, now: number): ModelLimitSeen | null {
  if (status !== 429) return null;
  const exhausted = RATE_LIMITS.filter(({ header }) => headerOf(headers, `anthropic-ratelimit-${header}-remaining`) === "0");
  const retryAfter = headerOf(headers, "retry-after");
  const unified = headerOf(headers, "anthropic-ratelimit-unified-reset");
  const exhaustedResets = exhausted.map(({ header }) => rfc3339At(headerOf(headers, `anthropic-ratelimit-${header}-reset`) ?? "")).filter((at): at is number => at !== null);
  const candidate =
    (retryAfter === null ? null : retryAfterAt(retryAfter, now)) ?? (unified === null ? null : epochSecondsAt(unified)) ?? (exhaustedResets.length > 0 ? Math.max(...exhaustedResets) : null);
  const resetsAt = candidate !== null && candidate > now && candidate - now <= MAX_RESET_AHEAD_MS ? candidate : null;
  const claim = headerOf(headers, "anthropic-ratelimit-unified-representative-claim");
  const limit = claim !== null && isLimitName(claim) ? claim : (exhausted[0]?.name ?? null);
  return { resetsAt, limit };
}
