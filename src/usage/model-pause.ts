// When the model gives no answer (a usage limit, or an outage that outlasted the CLI's own
// retries), the user's work pauses instead of failing: its messages wait in the queue, nothing
// starts before the pause ends, the user is told once what waits and until when, and again when
// the work goes on. Pure: the model-pause unit stores what this returns and plans its alarm from it.
import { formatDateTimeInZone } from "../schedules/schedule-format";
import { wallClockIn } from "../schedules/schedule-zone";

/** Why a run ended without the model's answer (the VM's `model_limit` and `model_unavailable`). */
export type ModelHold =
  /** `resetsAt`: when the model said the limit lifts (epoch ms); `limit`: its name (`five_hour`). */
  | { kind: "limit"; resetsAt: number | null; limit: string | null }
  | { kind: "unavailable" };

export type ModelPause = {
  kind: "limit" | "unavailable";
  /** Nothing starts before this; at it the held work goes on by itself. */
  until: number;
  /** The first failure of this streak (a run that gets an answer ends the streak). */
  since: number;
  /** Failures in a row: the backoff's step when no reset time is known. */
  streak: number;
  limit: string | null;
  /** The user was told of this pause (a new reset time is news again). */
  told: boolean;
  /** The user was told that the work goes on (sent at `until`, once). */
  resumedTold: boolean;
};

/** An outage is waited out with backoff: 30 s, then 1, 2, 5 and 10 minutes, then every 15. */
export const MODEL_RETRY_DELAYS_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 900_000] as const;
/** An outage is told once it has lasted this long: the CLI already retried for about 3 minutes. */
export const TELL_UNAVAILABLE_AFTER_MS = 60_000;
/** A reset is taken a little late: the model's clock and ours may differ by seconds. */
export const RESET_MARGIN_MS = 2_000;

/**
 * A later refusal of a told streak is news again (told anew, and its end told anew) only when it
 * is another limit, or its reset is this much later than the one told: a plan's 5-hour limit
 * followed by its weekly one. A rate limit refused again a few minutes on is not news.
 */
export const NEWS_AFTER_MS = 900_000;

/**
 * The pause after a run ended with `hold`, following `prev` (the streak so far, or none). The user
 * hears of a streak once, and once that the work goes on (at the first pause's end after the
 * notice); a try that fails again after that waits quietly (/status shows it) unless it is news.
 */
export function pauseAfter(prev: ModelPause | null, hold: ModelHold, now: number): ModelPause {
  const streak = (prev?.streak ?? 0) + 1;
  const since = prev?.since ?? now;
  const backoff = now + (MODEL_RETRY_DELAYS_MS[Math.min(streak, MODEL_RETRY_DELAYS_MS.length) - 1] ?? 900_000);
  const kept = { told: prev?.told ?? false, resumedTold: prev?.resumedTold ?? false };
  if (hold.kind === "limit" && hold.resetsAt !== null && hold.resetsAt > now) {
    // Never before the reset; and a streak's later tries not sooner than its backoff either: an API
    // key's short retry-after, which the CLI already retried through for minutes, is no reason to
    // try every few seconds.
    const until = Math.max(hold.resetsAt + RESET_MARGIN_MS, streak > 1 ? backoff : 0);
    const otherLimit = prev !== null && prev.limit !== null && hold.limit !== null && prev.limit !== hold.limit;
    const news = prev === null || prev.kind !== "limit" || otherLimit || until > prev.until + NEWS_AFTER_MS;
    return { kind: "limit", until, since, streak, limit: hold.limit ?? prev?.limit ?? null, ...(news ? { told: false, resumedTold: false } : kept) };
  }
  // A limit with no reset time (an API key's 429 that said none) is waited out as an outage.
  return { kind: hold.kind, until: backoff, since, streak, limit: hold.kind === "limit" ? hold.limit : null, ...kept };
}

/** Whether nothing may start at `now`. */
export const pausedAt = (p: ModelPause | null, now: number): boolean => p !== null && now < p.until;

/** When the user is owed word of `p` (a limit at once, an outage after a minute), or null when told. */
export function noticeDueAt(p: ModelPause): number | null {
  if (p.told) return null;
  return p.kind === "limit" ? p.since : p.since + TELL_UNAVAILABLE_AFTER_MS;
}

/** When the pause next has something to do: its notice, or its end (the work goes on, told if the pause was). */
export function pauseDueAt(p: ModelPause | null): number | null {
  if (p === null) return null;
  const notice = noticeDueAt(p);
  if (notice !== null && notice < p.until) return notice;
  return p.told && !p.resumedTold ? p.until : null;
}

/** A time as the user reads it: the clock alone today, with the date otherwise, and the zone. */
export function localTime(at: number, now: number, timeZone: string): string {
  const then = wallClockIn(at, timeZone);
  const today = wallClockIn(now, timeZone);
  const sameDay = then.year === today.year && then.month === today.month && then.day === today.day;
  const full = formatDateTimeInZone(at, timeZone);
  return `${sameDay ? full.slice(11) : full} (${timeZone})`;
}

/**
 * "its 5-hour limit" for `five_hour`; a name it does not know is said as it is. A plan's limits
 * come from the CLI; an API key's (`requests`, `input_tokens`, …) from the 429's headers, read by
 * the VM's credential proxy.
 */
export function limitName(limit: string | null): string {
  if (limit === null) return "its usage limit";
  const known: Record<string, string> = {
    five_hour: "5-hour",
    seven_day: "weekly",
    seven_day_opus: "weekly Opus",
    seven_day_sonnet: "weekly Sonnet",
    requests: "request rate",
    tokens: "token rate",
    input_tokens: "input-token rate",
    output_tokens: "output-token rate",
  };
  return `its ${known[limit] ?? limit.replaceAll("_", " ")} limit`;
}
