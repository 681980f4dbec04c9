import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../lib/args";

const known = ["relay", "vm", "schedules"];

describe("parseBenchArgs", () => {
  it.each([
    { argv: [], want: { only: null, quick: false, rounds: 3 } },
    { argv: ["--quick"], want: { only: null, quick: true, rounds: 3 } },
    { argv: ["--only", "relay"], want: { only: ["relay"], quick: false, rounds: 3 } },
    { argv: ["--only=relay,vm"], want: { only: ["relay", "vm"], quick: false, rounds: 3 } },
    { argv: ["--only", "relay", "--only", "schedules", "--rounds", "5"], want: { only: ["relay", "schedules"], quick: false, rounds: 5 } },
  ])("$argv", ({ argv, want }) => {
    expect(parseBenchArgs(argv, known)).toEqual(want);
  });

  it.each([
    { argv: ["--only", "relays"], error: /unknown section relays/ },
    { argv: ["--rounds", "0"], error: /./ },
    { argv: ["--rounds", "10"], error: /./ },
    { argv: ["--rounds", "two"], error: /./ },
    { argv: ["--fast"], error: /Unknown option/ },
    { argv: ["relay"], error: /positional/ },
  ])("refuses $argv", ({ argv, error }) => {
    expect(() => parseBenchArgs(argv, known)).toThrow(error);
  });
});
