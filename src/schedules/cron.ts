// Cron expressions through croner, configured in this one place: whether a text is one the relay
// accepts (and the one-line reason if not), and when it next runs in an IANA zone.
import { Cron } from "croner";

/**
 * "5-part" refuses seconds and years. "no-wildcard" makes a pattern without * or a step in its
 * minute and hour fields a fixed time, as Vixie cron: "0 1,13 * * *" runs once on a fall-back
 * night, and a fixed time the clock skips runs when the clock has jumped (02:30 → 03:00), the
 * rule one-off times follow too (instantOf in schedule-zone.ts; docs/schedules.md).
 */
function cronFor(expr: string, timeZone: string): Cron {
  return new Cron(expr, { timezone: timeZone, mode: "5-part", fixedTimeRule: "no-wildcard" });
}

/**
 * croner reads a text with a ":" as a date ("2026-12-01 09:00 * * *" would run once, "0 9:30 * * *"
 * never): no cron field has one, so it is refused here, before croner sees it, in the words croner
 * uses for any other character a field cannot hold.
 */
function colonRefusal(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  const index = fields.findIndex((field) => field.includes(":"));
  return index === -1 ? null : `configuration entry ${index + 1} (${fields[index]}) contains illegal characters.`;
}

/** croner for `expr` in `timeZone`, or the one-line reason (croner's words) the relay refuses `expr`. */
function readCron(expr: string, timeZone: string): { ok: true; cron: Cron } | { ok: false; reason: string } {
  const colon = colonRefusal(expr);
  if (colon !== null) return { ok: false, reason: colon };
  try {
    // croner checks the pattern here and the zone only when it computes a run.
    return { ok: true, cron: cronFor(expr, timeZone) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: message.replace(/^CronPattern:\s*/, "").replace(/\s+/g, " ") };
  }
}

/** Why `expr` is not a cron expression the relay accepts (one line, croner's words), or null if it is one. */
export function cronSyntaxError(expr: string): string | null {
  const read = readCron(expr, "UTC");
  return read.ok ? null : read.reason;
}

/**
 * The first run strictly after `after` (croner searches from the next whole second), or null when
 * there is none: a date that never comes (30 February), or a text that is not an accepted
 * expression (a task stored before a refusal existed ends instead of breaking its object's
 * alarm). Throws on an unknown zone, which validation refuses first (a programmer error).
 */
export function nextCronRun(expr: string, timeZone: string, after: number): number | null {
  const read = readCron(expr, timeZone);
  return read.ok ? (read.cron.nextRun(new Date(after))?.getTime() ?? null) : null;
}
