// When a scheduled task runs next: cron in the user's IANA zone (through croner, in cron.ts),
// intervals on a fixed grid from their first run, and one-off times. Pure: the caller passes `after`.
import { nextCronRun } from "./cron";

export type ScheduleSpec =
  | { kind: "cron"; expr: string }
  | { kind: "interval"; everyMs: number; anchorAt: number }
  | { kind: "once"; at: number };

/**
 * The first run strictly after `after`, or null when there is none (a once task already due, a
 * cron date that never comes, such as 30 February). An interval's runs sit on the grid
 * anchorAt + k * everyMs: after downtime the answer is the one next slot, never the missed ones.
 * Throws on a zone that validation would have refused (a programmer error). A stored cron
 * expression that no longer parses has no next run, so its task ends instead of breaking every
 * alarm of its object.
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
    case "cron":
      return nextCronRun(spec.expr, timeZone, after);
  }
}
