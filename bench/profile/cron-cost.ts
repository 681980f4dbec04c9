// What one cron next-run costs as the relay calls it (nextRunAt: src/schedules/cron.ts's checks, then
// croner) against one bare croner call configured the same way, i.e. what the wrapper adds: median
// µs per call over 5 rounds of 3000 calls, for common expressions, then a few that never match
// (croner searches to its horizon), median of 5 calls. Usage: npx tsx bench/profile/cron-cost.ts
import { Cron } from "croner";
import { nextRunAt } from "../../src/schedules/schedule-math";

const COMMON: Array<[string, string]> = [
  ["0 9 * * 1-5", "Europe/London"],
  ["*/15 * * * *", "America/New_York"],
  ["30 2 * * *", "America/Los_Angeles"],
  ["@daily", "UTC"],
  ["0 9 1 * *", "Asia/Kolkata"],
  ["0 9 L * *", "Australia/Lord_Howe"],
];
const NEVER = ["0 9 30 2 *", "0 0 31 4,6,9,11 *", "0 0 1 * +MON#2", "*/30 2 * 3 +SUN#2"];
const ROUNDS = 5;
const CALLS = 3000;
const START = Date.UTC(2026, 0, 1);
// Seven hours apart plus a little: the calls cover every hour of the day and both DST seasons.
const afterOf = (i: number) => START + i * 7 * 3_600_000 + 1234;

type NextRun = (expr: string, timeZone: string, after: number) => number | null;
const relay: NextRun = (expr, timeZone, after) => nextRunAt({ kind: "cron", expr }, timeZone, after);
const croner: NextRun = (expr, timeZone, after) =>
  new Cron(expr, { timezone: timeZone, mode: "5-part", fixedTimeRule: "no-wildcard" }).nextRun(new Date(after))?.getTime() ?? null;

function medianMicros(next: NextRun, expr: string, timeZone: string): number {
  for (let i = 0; i < 300; i++) next(expr, timeZone, afterOf(i));
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) next(expr, timeZone, afterOf(i));
    rounds.push(((performance.now() - started) / CALLS) * 1000);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? NaN;
}

/** Median ms of 5 calls for an expression that never matches. */
function millisNever(next: NextRun, expr: string): number {
  next(expr, "America/New_York", START);
  const calls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    next(expr, "America/New_York", START);
    calls.push(performance.now() - started);
  }
  return calls.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? NaN;
}

console.log("expression      zone                 relay µs  croner µs");
for (const [expr, timeZone] of COMMON) {
  console.log(`${expr.padEnd(15)} ${timeZone.padEnd(20)} ${medianMicros(relay, expr, timeZone).toFixed(1).padStart(8)} ${medianMicros(croner, expr, timeZone).toFixed(1).padStart(10)}`);
}
console.log("\nnever matches   (America/New_York)   relay ms  croner ms");
for (const expr of NEVER) {
  console.log(`${expr.padEnd(37)} ${millisNever(relay, expr).toFixed(1).padStart(8)} ${millisNever(croner, expr).toFixed(1).padStart(10)}`);
}
