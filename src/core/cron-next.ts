// When a cron pattern next runs in an IANA time zone: the first matching wall-clock minute
// mapped onto an instant, with daylight saving handled as croner 11 did it (its tests are
// test/core/cron-*.test.ts, croner itself the oracle):
// - a wall time the clock passes twice runs at the first pass only if the pattern is a fixed
//   time (no * or step in minute and hour), at both passes otherwise ("every 30 minutes");
// - a wall time the clock jumps over runs when the clock has jumped (02:30 → 03:00) if fixed,
//   and not at all otherwise.
import { firstMatchAfter } from "./cron-calendar";
import type { CronPattern } from "./cron-pattern";
import { DAY_MS, HOUR_MS } from "./durations";
import { secondOffsetAt, wallTimeAsUtc, wallTimeIn, type WallClock, type WallTime } from "./schedule-zone";

/** Where a wall time falls: on one instant, on two (the clock went back), on none (it jumped). */
type Placement =
  | { kind: "single"; at: number }
  | { kind: "repeated"; earlier: number; later: number }
  | { kind: "skipped"; before: number; after: number };

/** How far either side of a wall time croner looks for a second instant showing it. */
const REPEAT_WINDOW_MS = 3 * HOUR_MS;

const sameWallTime = (a: WallTime, b: WallTime): boolean =>
  a.second === b.second && a.minute === b.minute && a.hour === b.hour && a.day === b.day && a.month === b.month && a.year === b.year;

/** croner's placement of a wall time (to the second) in a zone, step for step. */
function place(wall: WallTime, timeZone: string): Placement {
  const asUtc = wallTimeAsUtc(wall);
  const guess = asUtc - secondOffsetAt(asUtc, timeZone);
  const seen = wallTimeIn(guess, timeZone);
  const offset = wallTimeAsUtc(seen) - guess;
  if (sameWallTime(seen, wall)) {
    const earlier = guess - (secondOffsetAt(guess - REPEAT_WINDOW_MS, timeZone) - offset);
    if (earlier < guess && sameWallTime(wallTimeIn(earlier, timeZone), wall)) return { kind: "repeated", earlier, later: guess };
    const later = guess + (offset - secondOffsetAt(guess + REPEAT_WINDOW_MS, timeZone));
    if (later > guess && sameWallTime(wallTimeIn(later, timeZone), wall)) return { kind: "repeated", earlier: guess, later };
    return { kind: "single", at: guess };
  }
  const other = asUtc - offset;
  if (sameWallTime(wallTimeIn(other, timeZone), wall)) return { kind: "single", at: other };
  return { kind: "skipped", before: Math.min(guess, other), after: Math.max(guess, other) };
}

/** The first whole second in (from, to] whose offset differs from `from`'s (or `to`): where the clock changes. */
function clockChange(from: number, to: number, timeZone: string): number {
  const offset = secondOffsetAt(from, timeZone);
  let [low, high] = [from, to];
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (secondOffsetAt(middle, timeZone) === offset) low = middle;
    else high = middle;
  }
  return high;
}

/** The instant a matching wall-clock minute runs at, if it runs and is after `threshold`. */
function runAt(p: CronPattern, minute: WallClock, timeZone: string, threshold: number): number | null {
  const placement = place({ ...minute, second: 0 }, timeZone);
  switch (placement.kind) {
    case "single":
      return placement.at > threshold ? placement.at : null;
    case "repeated": {
      const passes = p.fixedTime ? [placement.earlier] : [placement.earlier, placement.later];
      return passes.find((at) => at > threshold) ?? null;
    }
    case "skipped": {
      if (!p.fixedTime) return null;
      // Runs when the clock has jumped, if that is still the same day.
      const at = clockChange(placement.before, placement.after, timeZone);
      const jumpedTo = wallTimeIn(at, timeZone);
      const sameDay = jumpedTo.year === minute.year && jumpedTo.month === minute.month && jumpedTo.day === minute.day;
      return sameDay && at > threshold ? at : null;
    }
  }
}

/** The first run after `threshold` among the pattern's wall-clock minutes from `from` on. */
function walk(p: CronPattern, timeZone: string, from: WallTime, inclusive: boolean, threshold: number): number | null {
  for (let minute = firstMatchAfter(p, from, inclusive); minute !== null; minute = firstMatchAfter(p, { ...minute, second: 0 }, false)) {
    const at = runAt(p, minute, timeZone, threshold);
    if (at !== null) return at;
  }
  return null;
}

/** The pattern's first run strictly after `after` in `timeZone`, or null if it never runs. Throws on an unknown zone. */
export function nextCronRun(p: CronPattern, timeZone: string, after: number): number | null {
  const afterWall = wallTimeIn(after, timeZone);
  const next = walk(p, timeZone, afterWall, false, after);
  if (p.fixedTime) return next;
  // Walking wall-clock minutes from the first pass of a repeated hour would step over its
  // second pass: also walk from the moment the clock goes back, and keep the earlier run.
  const placement = place(afterWall, timeZone);
  if (placement.kind !== "repeated" || after >= placement.later) return next;
  const second = Math.floor(after / 1000) * 1000;
  const clockBack = clockChange(second, second + DAY_MS, timeZone);
  if (next !== null && clockBack > next) return next;
  const fromClockBack = walk(p, timeZone, wallTimeIn(clockBack, timeZone), true, clockBack - 1);
  if (next === null || fromClockBack === null) return next ?? fromClockBack;
  return Math.min(next, fromClockBack);
}
