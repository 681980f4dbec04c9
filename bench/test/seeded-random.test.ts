// The bench's seeded random source (pure-rand): replayable, in range, and forks that do not disturb each other.
import { expect, it } from "vitest";
import { seededRandom } from "../lib/seeded-random";

it("replays from its seed", () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
});

it.each([
  [0, 0],
  [1, 6],
  [-3, 3],
])("int(%i, %i) stays within both bounds and reaches them", (min, max) => {
  const random = seededRandom(1);
  const seen = new Set(Array.from({ length: 500 }, () => random.int(min, max)));
  expect(Math.min(...seen)).toBe(min);
  expect(Math.max(...seen)).toBe(max);
});

it("shuffles without losing or adding items", () => {
  expect(seededRandom(3).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
});

it("forks by label: the same label the same stream, and drawing from one leaves the other alone", () => {
  const parent = seededRandom(9);
  const first = parent.fork("sender 1").next();
  parent.next();
  expect(parent.fork("sender 1").next()).toBe(first);
  expect(parent.fork("sender 2").next()).not.toBe(first);
});

it("refuses to pick from nothing", () => {
  expect(() => seededRandom(1).pick([])).toThrow(RangeError);
});
