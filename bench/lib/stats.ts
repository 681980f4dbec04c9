// Order statistics for benchmark samples: percentiles (nearest rank) and medians across rounds.
import { seededRandom } from "./seeded-random";

/**
 * The p-th percentile by nearest rank: the smallest sample with at least p% of samples at or
 * below it. Always an observed value (no interpolation), so a p99 of 100 samples is the 99th.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export type Summary = { count: number; p50: number; p99: number; min: number; max: number };

export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    min: samples.length === 0 ? Number.NaN : Math.min(...samples),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
  };
}

/**
 * How far a figure computed from these rounds would move on another run of as many rounds: the
 * standard deviation of `statistic` over `draws` resamples of the rounds, each drawn with
 * replacement (a bootstrap). Whole rounds are drawn, so a figure that pairs a round's samples
 * keeps them paired. NaN for fewer than two rounds.
 */
export function bootstrapSpread<Round>(rounds: readonly Round[], statistic: (rounds: readonly Round[]) => number, o: { draws?: number; seed?: number } = {}): number {
  if (rounds.length < 2) return Number.NaN;
  const random = seededRandom(o.seed ?? 1).next;
  const values: number[] = [];
  for (let draw = 0; draw < (o.draws ?? 1_000); draw++) {
    values.push(statistic(Array.from(rounds, () => rounds[Math.floor(random() * rounds.length)]!)));
  }
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}
