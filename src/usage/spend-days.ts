// Which day and month a cost belongs to, in the user's own time zone: "today" for /cost (and for
// a daily cap) ends at the user's midnight, not UTC's.
import { wallClockIn } from "../schedules/schedule-zone";

const pad = (n: number) => String(n).padStart(2, "0");

/** `2026-11-22`: the calendar day in `timeZone` at instant `at`. */
export function dayIn(at: number, timeZone: string): string {
  const wall = wallClockIn(at, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** `2026-11`: the calendar month in `timeZone` at instant `at`. */
export function monthIn(at: number, timeZone: string): string {
  return dayIn(at, timeZone).slice(0, 7);
}
