// When a scheduled task runs next: cron in the user's IANA zone (through croner), intervals on
// a fixed grid from their first run, and one-off times. Pure: the caller passes `after`.
import { Cron } from "croner";

export type ScheduleSpec =
  | { kind: "cron"; expr: string }
  | { kind: "interval"; everyMs: number; anchorAt: number }
  | { kind: "once"; at: number };

/**
 * The one place croner is configured. "5-part" refuses seconds and years. "no-wildcard" makes
 * every job without * or a step in its minute and hour fields a fixed-time job, as Vixie cron
 * does: "0 1,13 * * *" then runs once on a fall-back night instead of twice at 01:00, and a
 * fixed time skipped by spring-forward runs when the clock has jumped (02:30 → 03:00).
 */
function cronFor(expr: string, timeZone: string): Cron {
  return new Cron(expr, { timezone: timeZone, mode: "5-part", fixedTimeRule: "no-wildcard" });
}

/** Why croner refuses `expr` (one line, without croner's prefix), or null if it parses. */
export function cronSyntaxError(expr: string): string | null {
  try {
    cronFor(expr, "UTC");
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^CronPattern:\s*/, "").replace(/\s+/g, " ");
  }
}

/**
 * The first run strictly after `after`, or null when there is none (a once task already due, a
 * cron date that never comes, such as 30 February). An interval's runs sit on the grid
 * anchorAt + k * everyMs: after downtime the answer is the one next slot, never the missed ones.
 * Throws on a cron expression or zone that validation would have refused (a programmer error).
 */
export function nextRunAt(spec: ScheduleSpec, timeZone: string, after: number): number | null {
  switch (spec.kind) {
    case "once":
      return spec.at > after ? spec.at : null;
    case "interval": {
      if (after < spec.anchorAt) return spec.anchorAt;
      const slotsPassed = Math.floor((after - spec.anchorAt) / spec.everyMs) + 1;
      return spec.anchorAt + slotsPassed * spec.everyMs;
    }
    case "cron": {
      // croner searches from the next whole second and never returns a time at or before `after`.
      const next = cronFor(spec.expr, timeZone).nextRun(new Date(after));
      return next ? next.getTime() : null;
    }
  }
}
