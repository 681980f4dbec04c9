// `npm run soak` arguments: defaults (a fixed seed), bounds, and a random seed only when asked for.
import { expect, it } from "vitest";
import { DEFAULT_SEED, parseSoakArgs } from "../args";

const seed = () => 777;

it.each([
  [[], { minutes: 1, seed: DEFAULT_SEED, senders: 6 }],
  [["--minutes", "5"], { minutes: 5, seed: DEFAULT_SEED, senders: 6 }],
  [["--minutes=2.5", "--seed", "42"], { minutes: 2.5, seed: 42, senders: 6 }],
  [["--senders", "2", "--seed", "0"], { minutes: 1, seed: 0, senders: 2 }],
  [["--seed", "random"], { minutes: 1, seed: 777, senders: 6 }],
  [["--seed", String(2 ** 32 - 1)], { minutes: 1, seed: 2 ** 32 - 1, senders: 6 }],
])("%j", (argv, expected) => {
  expect(parseSoakArgs(argv, seed)).toEqual(expected);
});

it("draws a seed only for --seed random", () => {
  let draws = 0;
  const counting = () => ++draws;
  parseSoakArgs([], counting);
  parseSoakArgs(["--seed", "5"], counting);
  expect(draws).toBe(0);
  expect(parseSoakArgs(["--seed", "random"], counting).seed).toBe(1);
});

it.each([
  ["a run too short for every fault", ["--minutes", "0.5"]],
  ["too short for two outages apart", ["--minutes", "0.9"]],
  ["more than two hours", ["--minutes", "121"]],
  ["not a number", ["--minutes", "ten"]],
  ["a negative seed", ["--seed", "-1"]],
  ["a seed past 32 bits", ["--seed", String(2 ** 32)]],
  ["a fractional seed", ["--seed", "1.5"]],
  ["a seed that is a word", ["--seed", "lucky"]],
  ["more senders than phones", ["--senders", "7"]],
  ["an unknown option", ["--hours", "1"]],
  ["a positional argument", ["5"]],
])("refuses %s", (_, argv) => {
  expect(() => parseSoakArgs(argv, seed)).toThrow();
});
