import { describe, expect, it } from "vitest";
import { pickEntry, vmFigures } from "../sections/vm";

describe("vmFigures adapts what bench/vm-latency.ts returns", () => {
  it.each([
    {
      name: "a list of figures",
      input: [{ name: "added latency p50", value: 12, unit: "ms", target: "≤ 30 ms", pass: true }],
      want: [{ section: "vm", name: "added latency p50", value: 12, unit: "ms", target: "≤ 30 ms", pass: true }],
    },
    {
      name: "figures with details beside them",
      input: { figures: [{ name: "idle RSS", value: 48, unit: "MB", target: "≤ 60 MB" }], samples: [1, 2] },
      want: [{ section: "vm", name: "idle RSS", value: 48, unit: "MB", target: "≤ 60 MB", pass: null }],
    },
    {
      name: "a record of numbers",
      input: { addedMsP50: 9, idleRssMb: 51 },
      want: [
        { section: "vm", name: "addedMsP50", value: 9, unit: "" },
        { section: "vm", name: "idleRssMb", value: 51, unit: "" },
      ],
    },
  ])("$name", ({ input, want }) => {
    expect(vmFigures(input).figures).toEqual(want);
  });

  it("keeps the details of `{ figures, ...details }`", () => {
    expect(vmFigures({ figures: [], runs: 3 }).details).toEqual({ runs: 3 });
  });

  it.each([null, "fast", [{ value: 3 }], { figures: "none" }, { a: "b" }])("refuses %j", (input) => {
    expect(() => vmFigures(input)).toThrow(/unexpected shape/);
  });
});

describe("pickEntry", () => {
  const fn = async () => [];
  const other = async () => [];
  it.each([
    { name: "the default export", module: { default: fn, helper: other }, want: fn },
    { name: "the only function", module: { runIt: fn, VALUE: 3 }, want: fn },
    { name: "the one named like a benchmark", module: { helper: other, benchVmLatency: fn }, want: fn },
    { name: "nothing usable", module: { a: other, b: other }, want: null },
    { name: "no function at all", module: { VALUE: 3 }, want: null },
  ])("$name", ({ module, want }) => {
    expect(pickEntry(module)).toBe(want);
  });
});
