// The simulation's one source of chance: the bench's seeded generator (bench/lib/seeded-random.ts), so a
// seed replays exactly, with the two draws the scheduler needs besides.
import { type Random as SoakRandom, seededRandom } from "../../bench/lib/seeded-random";

export type Random = SoakRandom & {
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One key of `weights`, drawn by weight. */
  weighted<K extends string>(weights: Record<K, number>): K;
};

export function seeded(seed: number): Random {
  const rng = seededRandom(seed);
  return {
    ...rng,
    chance: (p) => rng.next() < p,
    weighted(weights) {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      let r = rng.next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, w] of entries) if ((r -= w) < 0) return key;
      return entries[entries.length - 1]![0];
    },
  };
}
