// Updates during a long run: when the next one is due, and what it says, built from the agent's
// progress lines ("Running: npm test", "Editing src/app.ts"), never from the model's own text.
// The clock is the agent's: time the run spent waiting for the user's answer is not its work, so
// it neither counts in "Still working (4 min)" nor brings an update due; while it waits, no update
// goes: the approvals unit reminds of the question instead (approvals/approval-reminders.ts).

export type ProgressPacing = {
  /** No update before the run has taken this long (a quick answer needs none). */
  firstAfterMs: number;
  /** At most one update this often. */
  everyMs: number;
};

export const DEFAULT_PROGRESS_PACING: ProgressPacing = { firstAfterMs: 60_000, everyMs: 120_000 };

/** A time the run waited for the user (an approval prompt): `to` null while it still waits. */
export type UserWait = { from: number; to: number | null };

/** The closed waits as disjoint intervals, in order (two prompts may overlap). */
function closedIntervals(waits: readonly UserWait[]): Array<[number, number]> {
  const sorted = waits.flatMap((w): Array<[number, number]> => (w.to === null ? [] : [[w.from, w.to]])).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** The agent's own time from the run's start to `at`: the wall time less the waits for the user. */
export function agentTimeMs(runStartedAt: number, at: number, waits: readonly UserWait[]): number {
  let waited = 0;
  for (const [from, to] of closedIntervals(waits.map((w) => (w.to === null ? { ...w, to: at } : w)))) {
    const start = Math.max(from, runStartedAt);
    const end = Math.min(to, at);
    if (end > start) waited += end - start;
  }
  return Math.max(0, at - runStartedAt - waited);
}

/** The wall time at which the agent has worked `agentMs` (the closed waits pushed it later). */
function wallTimeOf(runStartedAt: number, agentMs: number, waits: readonly UserWait[]): number {
  let at = runStartedAt + agentMs;
  for (const [from, to] of closedIntervals(waits)) if (from < at && to > Math.max(from, runStartedAt)) at += to - Math.max(from, runStartedAt);
  return at;
}

/** The wait going on (the earliest still open), if any. */
export function openWait(waits: readonly UserWait[]): UserWait | null {
  return waits.filter((w) => w.to === null).sort((a, b) => a.from - b.from)[0] ?? null;
}

/**
 * When the next update may go: once the agent has worked `firstAfterMs`, then once it worked
 * `everyMs` more than at the last one; null while the run waits for the user (its question's
 * reminders say so). `lastAt` unknown (an instance that did not send the previous ones) counts as
 * `knownSince`, so an eviction never makes updates more frequent.
 */
export function nextProgressAt(p: { runStartedAt: number; lastAt: number | null; knownSince: number; pacing: ProgressPacing; waits?: readonly UserWait[] }): number | null {
  const waits = p.waits ?? [];
  if (openWait(waits)) return null;
  const first = wallTimeOf(p.runStartedAt, p.pacing.firstAfterMs, waits);
  const last = p.lastAt ?? (p.knownSince > first ? p.knownSince : null);
  if (last === null) return first;
  return Math.max(first, wallTimeOf(p.runStartedAt, agentTimeMs(p.runStartedAt, last, waits) + p.pacing.everyMs, waits));
}

const EDIT = /^(Editing|Writing) (.+)$/;

/**
 * The agent's time as the update says it: seconds under a minute (an update may come that early,
 * PROGRESS_AFTER_MS), else minutes to the nearest.
 */
function workedFor(ms: number): string {
  return ms < 60_000 ? `${Math.max(1, Math.floor(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`;
}

/** "Still working (4 min): running npm test, edited 3 files" from the lines seen so far, the time the agent's own. */
export function progressUpdateText(lines: readonly string[], runStartedAt: number, now: number, waits: readonly UserWait[] = []): string {
  const worked = workedFor(agentTimeMs(runStartedAt, now, waits));
  const edited = new Set(lines.flatMap((line) => EDIT.exec(line)?.[2] ?? []));
  // The latest step that is not an edit (edits are counted instead).
  const latest = [...lines].reverse().find((line) => line !== "Thinking" && !EDIT.test(line));
  const parts: string[] = [];
  if (latest) parts.push(lowerFirst(latest.replace(/^Running: /, "running ")));
  if (edited.size > 0) parts.push(`edited ${edited.size} file${edited.size === 1 ? "" : "s"}`);
  return parts.length === 0 ? `Still working (${worked}).` : `Still working (${worked}): ${parts.join(", ")}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
