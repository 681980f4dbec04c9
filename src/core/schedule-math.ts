// When a scheduled task runs next: cron in the user's IANA zone, intervals on a fixed grid from
// their first run, and one-off times. Pure: the caller passes `after`.
import { nextCronRun } from "./cron-next";
import { parseCron } from "./cron-pattern";

export type ScheduleSpec =
  | { kind: "cron"; expr: string }
  | { kind: "interval"; everyMs: number; anchorAt: number }
  | { kind: "once"; at: number };

/** Why `expr` is not a cron expression we accept (one line), or null if it is one. */
export function cronSyntaxError(expr: string): string | null {
  const parsed = parseCron(expr);
  return parsed.ok ? null : parsed.reason.replace(/\s+/g, " ");
}

/**
 * The first run strictly after `after`, or null when there is none (a once task already due, a
 * cron date that never comes, such as 30 February). An interval's runs sit on the grid
 * anchorAt + k * everyMs: after downtime the answer is the one next slot, never the missed ones.
 * Throws on a zone that validation would have refused (a programmer error). A stored cron
 * expression that no longer parses has no next run, so its task ends instead of breaking every
 * alarm of its object: croner also took a text with a ":" as a date ("2026-12-01 09:00 * * *"
 * ran once on that day), which validation now refuses.
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
      const parsed = parseCron(spec.expr);
      return parsed.ok ? nextCronRun(parsed.pattern, timeZone, after) : null;
    }
  }
}
