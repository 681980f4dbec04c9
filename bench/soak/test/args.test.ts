// `npm run soak` arguments: defaults, bounds, and the seed always decided.
import { expect, it } from "vitest";
import { parseSoakArgs } from "../args";

const seed = () => 777;

it.each([
  [[], { minutes: 1, seed: 777, senders: 6 }],
  [["--minutes", "5"], { minutes: 5, seed: 777, senders: 6 }],
  [["--minutes=2.5", "--seed", "42"], { minutes: 2.5, seed: 42, senders: 6 }],
  [["--senders", "2", "--seed", "0"], { minutes: 1, seed: 0, senders: 2 }],
])("%j", (argv, expected) => {
  expect(parseSoakArgs(argv, seed)).toEqual(expected);
});

it.each([
  ["a run too short for every fault", ["--minutes", "0.5"]],
  ["more than two hours", ["--minutes", "121"]],
  ["not a number", ["--minutes", "ten"]],
  ["a negative seed", ["--seed", "-1"]],
  ["more senders than phones", ["--senders", "7"]],
  ["an unknown option", ["--hours", "1"]],
  ["a positional argument", ["5"]],
])("refuses %s", (_, argv) => {
  expect(() => parseSoakArgs(argv, seed)).toThrow();
});
