// Durations as people type them on a phone ("30m", "2h", "1d", "1h30m") and back to text.

const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

// Units must come largest first and each at most once, so "1h30m" reads one way only.
const DURATION_PATTERN = /^(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?$/;

/**
 * Parses a duration into milliseconds, or null when it is not one. Only the syntax is checked
 * here: "0m" is 0, and range rules (minimum, maximum) belong to whoever uses the duration.
 */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
  if (!match || match[0] === "") return null;
  const [, days, hours, minutes, seconds] = match;
  return (
    Number(days ?? 0) * DAY_MS +
    Number(hours ?? 0) * HOUR_MS +
    Number(minutes ?? 0) * MINUTE_MS +
    Number(seconds ?? 0) * SECOND_MS
  );
}

/** The inverse of parseDuration for whole seconds: 5_400_000 → "1h30m", 0 → "0s". */
export function formatDuration(ms: number): string {
  let rest = Math.floor(ms / SECOND_MS);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.length > 0 ? parts.join("") : "0s";
}
