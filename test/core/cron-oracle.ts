// croner 11, configured as the relay configured it until it was replaced by src/core/cron-*.ts:
// the oracle the cron tests compare against (croner is a devDependency, never in the Worker).
import { Cron } from "croner";
import { expect } from "vitest";
import { nextCronRun } from "../../src/core/cron-next";
import { parseCron } from "../../src/core/cron-pattern";

function cronerFor(expr: string, timeZone: string): Cron {
  return new Cron(expr, { timezone: timeZone, mode: "5-part", fixedTimeRule: "no-wildcard" });
}

/** croner's refusal as the relay showed it (prefix cut, one line), or null if croner accepts. */
export function cronerRefusal(expr: string): string | null {
  try {
    cronerFor(expr, "UTC");
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^CronPattern:\s*/, "").replace(/\s+/g, " ");
  }
}

/** croner's next run strictly after `after`, or null. */
export function cronerNext(expr: string, timeZone: string, after: number): number | null {
  return cronerFor(expr, timeZone).nextRun(new Date(after))?.getTime() ?? null;
}

/** A mistyped fixture (NaN) throws here rather than comparing equal. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Our next run, for an expression we accept. */
export function ourNext(expr: string, timeZone: string, after: number): number | null {
  const parsed = parseCron(expr);
  if (!parsed.ok) throw new Error(`refused ${expr}: ${parsed.reason}`);
  return nextCronRun(parsed.pattern, timeZone, after);
}

/** Our next `count` runs and croner's, from `after`, for an expression we accept (else nothing to compare). */
export function compareRuns(expr: string, timeZone: string, after: number, count = 3): void {
  const parsed = parseCron(expr);
  if (!parsed.ok) return;
  let from: number | null = after;
  for (let i = 0; i < count && from !== null; i++) {
    const mine = nextCronRun(parsed.pattern, timeZone, from);
    expect({ expr, timeZone, after: iso(from), next: iso(mine) }).toEqual({ expr, timeZone, after: iso(from), next: iso(cronerNext(expr, timeZone, from)) });
    from = mine;
  }
}

/**
 * croner reads any text with a ":" after its first character as a date, not a cron expression
 * ("2026-12-01 09:00 * * *" ran once); the relay refuses those, so they are compared apart.
 */
export function cronerTakesAsDate(expr: string): boolean {
  return expr.indexOf(":") > 0;
}

/** Zones with every kind of clock change the comparisons should meet. */
export const ORACLE_ZONES = [
  "UTC",
  "America/New_York",
  "America/Los_Angeles",
  "Europe/London",
  "Europe/Dublin", // winter is its "negative" daylight saving in the tz database
  "Australia/Lord_Howe", // a 30-minute shift
  "Australia/Sydney",
  "Asia/Kolkata", // +05:30, no daylight saving
  "Asia/Kathmandu", // +05:45
  "Pacific/Chatham", // +12:45/+13:45
  "America/St_Johns", // -03:30, daylight saving
  "America/Santiago", // clocks change at midnight
  "America/Havana", // midnight too
  "Asia/Tehran", // midnight, and daylight saving until 2022
  "Africa/Casablanca", // daylight saving suspended each Ramadan
  "Pacific/Apia", // skipped 30 December 2011 entirely
  "Antarctica/Troll", // a 2-hour shift
  "America/Sao_Paulo", // daylight saving until 2019, changes at midnight
] as const;
