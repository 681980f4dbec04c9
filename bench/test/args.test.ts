import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../lib/args";
import { coresApart } from "../lib/children";

const known = ["relay", "vm", "schedules"];

describe("parseBenchArgs", () => {
  it.each([
    { argv: [], want: { only: null, quick: false, rounds: 3, apart: false } },
    { argv: ["--quick"], want: { only: null, quick: true, rounds: 3, apart: false } },
    { argv: ["--only", "vm", "--apart"], want: { only: ["vm"], quick: false, rounds: 3, apart: true } },
    { argv: ["--only", "relay"], want: { only: ["relay"], quick: false, rounds: 3, apart: false } },
    { argv: ["--only=relay,vm"], want: { only: ["relay", "vm"], quick: false, rounds: 3, apart: false } },
    { argv: ["--only", "relay", "--only", "schedules", "--rounds", "5"], want: { only: ["relay", "schedules"], quick: false, rounds: 5, apart: false } },
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

describe("coresApart", () => {
  it.each([
    { count: 2, want: { edge: "0", machine: "1" } },
    { count: 3, want: { edge: "0", machine: "1-2" } },
    { count: 4, want: { edge: "0-1", machine: "2-3" } },
    { count: 8, want: { edge: "0-3", machine: "4-7" } },
  ])("$count cores", ({ count, want }) => {
    expect(coresApart(count)).toEqual(want);
  });

  it("refuses one core: the sides cannot be kept apart", () => {
    expect(() => coresApart(1)).toThrow(/at least 2 cores/);
  });
});
