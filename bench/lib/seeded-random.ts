// Seeded draws for the bench, from pure-rand's xoroshiro128+: the same seed gives the same draws on
// every run, so a soak's fault plan and senders, the page fixture and a figure's bootstrap spread
// replay from their seeds.
import { createHash } from "node:crypto";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export type Random = {
  /** Uniform in [0, 1). */
  next(): number;
  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream, for one sender or one purpose, that does not shift the others. */
  fork(label: string): Random;
};

export function seededRandom(seed: number): Random {
  // The generator is advanced in place by each draw (pure-rand's in-place distributions).
  const rng = xoroshiro128plus(seed | 0);
  const int = (min: number, max: number) => uniformInt(rng, min, max);
  return {
    next: () => uniformFloat64(rng),
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[int(0, items.length - 1)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    // Seeded by the label, not by draws taken so far: a fork is the same however much the parent drew.
    fork: (label) => seededRandom(createHash("sha256").update(`${seed}:${label}`).digest().readInt32LE(0)),
  };
}
