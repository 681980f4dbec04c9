// The one gate every new scheduled task passes, from a /schedule command or the agent's tools:
// raw fields in, a task ready to store (with its first run) or a one-line reason out.
import * as z from "zod/mini";
import "../shared/zod-messages";
import { DAY_MS, formatDuration, MINUTE_MS, parseDuration } from "../shared/durations";
import { quoteInput } from "../shared/quote-input";
import { cronSyntaxError } from "./cron";
import { nextRunAt, type ScheduleSpec } from "./schedule-math";
import { resolveWhen } from "./schedule-when";
import { canonicalTimeZone } from "./schedule-zone";

export const MAX_SCHEDULES_PER_USER = 50;
/** In characters (code points), so an emoji counts once. */
export const MAX_PROMPT_LENGTH = 2000;
const MIN_INTERVAL_MS = MINUTE_MS;
const MAX_INTERVAL_MS = 365 * DAY_MS;

/** "fresh": a new agent session per run (the default); "chat": the user's own conversation. */
const TaskContextSchema = z.enum(["fresh", "chat"]);
export type TaskContext = z.infer<typeof TaskContextSchema>;

// Raw text as the user or the agent wrote it; the lengths only bound the work, the reasons
// users see come from validateScheduleSpec.
const RequestBase = z.object({ prompt: z.string().check(z.maxLength(64 * 1024)), context: z._default(TaskContextSchema, "fresh") });
const ScheduleRequestSchema = z.discriminatedUnion("kind", [
  z.extend(RequestBase, { kind: z.literal("cron"), expr: z.string().check(z.maxLength(200)) }),
  z.extend(RequestBase, { kind: z.literal("every"), every: z.string().check(z.maxLength(40)) }),
  z.extend(RequestBase, { kind: z.literal("at"), at: z.string().check(z.maxLength(80)) }),
]);
export type ScheduleRequest = z.infer<typeof ScheduleRequestSchema>;

export type NewSchedule = { spec: ScheduleSpec; prompt: string; context: TaskContext; nextRunAt: number };
type ScheduleValidation = { ok: true; schedule: NewSchedule } | { ok: false; reason: string };
type ValidationContext = { timeZone: string; now: number; existingCount: number };

type SpecResult = { ok: true; spec: ScheduleSpec; firstRunAt: number } | { ok: false; reason: string };

const CRON_HELP = "minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5";

function cronSpec(expr: string, { timeZone, now }: ValidationContext): SpecResult {
  const normalized = expr.trim().replace(/\s+/g, " ");
  if (!normalized.startsWith("@") && normalized.split(" ").length !== 5) {
    return { ok: false, reason: `Invalid cron "${quoteInput(normalized)}": it needs 5 fields (${CRON_HELP}).` };
  }
  const error = cronSyntaxError(normalized);
  if (error) return { ok: false, reason: `Invalid cron "${quoteInput(normalized)}": ${quoteInput(error, 120)}` };
  const spec: ScheduleSpec = { kind: "cron", expr: normalized };
  const firstRunAt = nextRunAt(spec, timeZone, now);
  if (firstRunAt === null) return { ok: false, reason: `The cron "${quoteInput(normalized)}" never runs (no such date).` };
  return { ok: true, spec, firstRunAt };
}

function intervalSpec(every: string, { now }: ValidationContext): SpecResult {
  const text = every.trim();
  const everyMs = parseDuration(text);
  if (everyMs === null) {
    return text.startsWith("-")
      ? { ok: false, reason: `The interval must be positive, not ${quoteInput(text)}.` }
      : { ok: false, reason: `Unknown interval "${quoteInput(text)}". Use forms like 30m, 2h, 1d or 1h30m.` };
  }
  if (everyMs === 0) return { ok: false, reason: "The interval must be more than zero." };
  if (everyMs < MIN_INTERVAL_MS) return { ok: false, reason: `The interval must be at least ${formatDuration(MIN_INTERVAL_MS)}.` };
  if (everyMs > MAX_INTERVAL_MS) return { ok: false, reason: `The interval must be at most ${formatDuration(MAX_INTERVAL_MS)}.` };
  // Anchored at the first run, one interval from now: every later run is on that grid.
  return { ok: true, spec: { kind: "interval", everyMs, anchorAt: now + everyMs }, firstRunAt: now + everyMs };
}

function onceSpec(at: string, { timeZone, now }: ValidationContext): SpecResult {
  const resolved = resolveWhen(at, timeZone, now);
  if (!resolved.ok) return resolved;
  return { ok: true, spec: { kind: "once", at: resolved.at }, firstRunAt: resolved.at };
}

/** Checks a new task against the rules and works out its first run; nothing is stored here. */
export function validateScheduleSpec(request: ScheduleRequest, context: ValidationContext): ScheduleValidation {
  if (context.existingCount >= MAX_SCHEDULES_PER_USER) {
    return { ok: false, reason: `You already have ${MAX_SCHEDULES_PER_USER} tasks, the most allowed. Delete one first.` };
  }
  const result =
    request.kind === "cron"
      ? cronSpec(request.expr, context)
      : request.kind === "every"
        ? intervalSpec(request.every, context)
        : onceSpec(request.at, context);
  if (!result.ok) return result;
  const prompt = request.prompt.trim();
  if (prompt === "") return { ok: false, reason: "The task needs a prompt: what should the agent do?" };
  const length = [...prompt].length;
  if (length > MAX_PROMPT_LENGTH) {
    return { ok: false, reason: `The prompt is too long: ${length} characters, at most ${MAX_PROMPT_LENGTH}.` };
  }
  return { ok: true, schedule: { spec: result.spec, prompt, context: request.context, nextRunAt: result.firstRunAt } };
}

/** Raw tool arguments (from the agent) to a request, or the one-line reason they are not one. */
export function parseScheduleRequest(input: unknown): { ok: true; request: ScheduleRequest } | { ok: false; reason: string } {
  const parsed = ScheduleRequestSchema.safeParse(input);
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `Bad task arguments: ${issue ? `${issue.path.join(".") || "input"}: ${issue.message}` : "invalid"}.` };
}

/** A time zone the user asked for, checked and named canonically. */
export function validateTimeZone(input: string): { ok: true; timeZone: string } | { ok: false; reason: string } {
  const timeZone = canonicalTimeZone(input);
  if (timeZone === null) return { ok: false, reason: `Unknown time zone "${quoteInput(input)}". Use an IANA name like Europe/London or America/New_York.` };
  return { ok: true, timeZone };
}

/** Task ids are the positive integers /schedules shows; "#3" is read as 3. */
const ScheduleIdSchema = z.coerce.number().check(z.int(), z.positive(), z.lte(2 ** 31 - 1));

export function parseScheduleId(text: string): number | null {
  const trimmed = text.trim().replace(/^#/, "");
  if (!/^\d{1,10}$/.test(trimmed)) return null;
  const parsed = ScheduleIdSchema.safeParse(trimmed);
  return parsed.success ? parsed.data : null;
}
