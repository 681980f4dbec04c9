// Two sides measured in the same run, interleaved round by round: each round's difference, and
// the judged figure "p50 of one side − p50 of the other" with those differences in its note. Pure.
import { type Figure, judged, type Target } from "./figures";
import { median } from "./stats";

/** Each round's `first` − `second`, over the rounds where both sides have a value. */
export function roundDifferences<S extends string>(values: readonly { side: S; round: number; value: number }[], first: S, second: S): number[] {
  const rounds = [...new Set(values.map((v) => v.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const a = values.find((v) => v.round === round && v.side === first)?.value;
    const b = values.find((v) => v.round === round && v.side === second)?.value;
    return a === undefined || b === undefined ? [] : [a - b];
  });
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 10) / 10} ms` : "n/a");

/** Judged: `first.p50 − second.p50` in ms against `target`; the note names both p50s and the median of `pairs`. */
export function p50DifferenceFigure(section: string, name: string, target: Target, first: { label: string; p50: number }, second: { label: string; p50: number }, pairs: readonly number[]): Figure {
  const difference = first.p50 - second.p50;
  return judged(
    section,
    name,
    Number.isFinite(difference) ? Math.round(difference * 10) / 10 : Number.NaN,
    "ms",
    target,
    `${first.label} ${ms(first.p50)}, ${second.label} ${ms(second.p50)}; each round's ${first.label} − ${second.label}: median ${ms(median(pairs))} over ${pairs.length} pairs`,
  );
}
