// Updates during a long run: when the next one is due, and what it says, built from the agent's
// progress lines ("Running: npm test", "Editing src/app.ts"), never from the model's own text.

export type ProgressPacing = {
  /** No update before the run has taken this long (a quick answer needs none). */
  firstAfterMs: number;
  /** At most one update this often. */
  everyMs: number;
};

export const DEFAULT_PROGRESS_PACING: ProgressPacing = { firstAfterMs: 60_000, everyMs: 120_000 };

/**
 * When the next update may go: `firstAfterMs` after the run started, then `everyMs` after the
 * last one. `lastAt` unknown (an instance that did not send the previous ones) counts as `knownSince`,
 * so an eviction never makes updates more frequent.
 */
export function nextProgressAt(p: { runStartedAt: number; lastAt: number | null; knownSince: number; pacing: ProgressPacing }): number {
  const first = p.runStartedAt + p.pacing.firstAfterMs;
  const last = p.lastAt ?? (p.knownSince > first ? p.knownSince : null);
  return last === null ? first : Math.max(first, last + p.pacing.everyMs);
}

const EDIT = /^(Editing|Writing) (.+)$/;

/** "Still working (4 min): running npm test, edited 3 files" from the lines seen so far. */
export function progressUpdateText(lines: readonly string[], runStartedAt: number, now: number): string {
  const minutes = Math.max(1, Math.round((now - runStartedAt) / 60_000));
  const edited = new Set(lines.flatMap((line) => EDIT.exec(line)?.[2] ?? []));
  // The latest step that is not an edit (edits are counted instead).
  const latest = [...lines].reverse().find((line) => line !== "Thinking" && !EDIT.test(line));
  const parts: string[] = [];
  if (latest) parts.push(lowerFirst(latest.replace(/^Running: /, "running ")));
  if (edited.size > 0) parts.push(`edited ${edited.size} file${edited.size === 1 ? "" : "s"}`);
  return parts.length === 0 ? `Still working (${minutes} min).` : `Still working (${minutes} min): ${parts.join(", ")}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
