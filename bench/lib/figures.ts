// One measured figure as the bench reports it, with its target and whether it met it.

export type Figure = {
  section: string;
  name: string;
  value: number | string;
  unit: string;
  /** Human-readable target, e.g. "≥ 0.8x"; absent when the figure is informational. */
  target?: string;
  /** null when there is a target but the figure could not be judged (no samples). */
  pass?: boolean | null;
  note?: string;
};

export type Target = { text: string; met: (value: number) => boolean };

export const atLeast = (limit: number, unit = ""): Target => ({ text: `≥ ${limit}${unit}`, met: (v) => v >= limit });
export const atMost = (limit: number, unit = ""): Target => ({ text: `≤ ${limit}${unit}`, met: (v) => v <= limit });
export const exactly = (expected: number): Target => ({ text: `= ${expected}`, met: (v) => v === expected });

/** A figure judged against `target` (NaN, meaning no samples, is neither pass nor fail). */
export function judged(section: string, name: string, value: number, unit: string, target: Target, note?: string): Figure {
  return { section, name, value, unit, target: target.text, pass: Number.isNaN(value) ? null : target.met(value), ...(note ? { note } : {}) };
}

export function info(section: string, name: string, value: number | string, unit: string, note?: string): Figure {
  return { section, name, value, unit, ...(note ? { note } : {}) };
}
