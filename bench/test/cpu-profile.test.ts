import { describe, expect, it } from "vitest";
import { breakdown, bundleModules, type CpuProfile, has, leafIs, timeByFunction, within } from "../profile/cpu-profile";

const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: functionName === "" || functionName.startsWith("(") ? "" : "file:///bundle/index.js", lineNumber, columnNumber: 0 });

// (root) ─ fetch ─ validate
//        ├ enqueue ─ logEvent ─ (native console.log)
//        │         └ receive
//        ├ (garbage collector)
//        └ (idle)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 4, 8, 9] },
    { id: 2, callFrame: frame("fetch", 9), children: [3] },
    { id: 3, callFrame: frame("validate", 19) },
    { id: 4, callFrame: frame("enqueue", 29), children: [5, 7] },
    { id: 5, callFrame: frame("logEvent", 39), children: [6] },
    { id: 6, callFrame: frame("") },
    { id: 7, callFrame: frame("receive", 49) },
    { id: 8, callFrame: frame("(garbage collector)") },
    { id: 9, callFrame: frame("(idle)") },
  ],
  startTime: 0,
  // Each sample lasts until the next one; the last until endTime. Times in microseconds.
  samples: [3, 6, 6, 7, 8, 9, 2],
  timeDeltas: [0, 1000, 1000, 2000, 1000, 500, 4500],
  endTime: 11000,
};

describe("breakdown of a CPU profile", () => {
  const rules = [
    { name: "gc", matches: leafIs("(garbage collector)") },
    { name: "enqueue: log", matches: within("enqueue", "logEvent") },
    { name: "enqueue: rest", matches: has("enqueue") },
    { name: "worker", matches: has("fetch") },
  ];
  const b = breakdown(profile, rules);

  it("takes each sample's time until the next sample, idle apart", () => {
    expect(b.idleMs).toBe(4.5);
    expect(b.busyMs).toBe(6.5);
  });

  it("gives each sample to the first rule its stack matches", () => {
    expect(Object.fromEntries(b.buckets.map((x) => [x.name, x.ms]))).toEqual({ gc: 0.5, "enqueue: log": 3, "enqueue: rest": 1, worker: 2 });
    expect(b.buckets.reduce((n, x) => n + x.share, 0)).toBeCloseTo(1);
  });

  it("sums time by the outermost function and by function with its callers", () => {
    expect(b.roots).toEqual([
      { frame: "enqueue", ms: 4 },
      { frame: "fetch", ms: 2 },
      { frame: "(garbage collector)", ms: 0.5 },
    ]);
    expect(b.topSelf[0]).toEqual({ frame: "(anonymous) (native):1 ← logEvent ← enqueue", ms: 3 });
    expect(b.topSelf.map((x) => x.frame)).toContain("validate index.js:20 ← fetch");
  });

  it("caps a sample's time when asked: a gap without samples is no function's time", () => {
    const capped = breakdown(profile, rules, 25, 1);
    expect(capped.busyMs).toBe(5.5);
    expect(capped.idleMs).toBe(1);
    expect(Object.fromEntries(capped.buckets.map((x) => [x.name, x.ms]))).toEqual({ gc: 0.5, "enqueue: log": 2, "enqueue: rest": 1, worker: 2 });
  });

  it("puts a sample no rule takes under other", () => {
    expect(breakdown(profile, []).buckets).toEqual([{ name: "other", ms: 6.5, share: 1 }]);
  });
});

describe("time by function and by file", () => {
  // Lines 0-19 are one module, 20 onwards another: fetch and validate in the first, the rest in the second.
  const fileOf = (url: string, line: number) => (url === "" ? "(native)" : line < 20 ? "src/a.ts" : "src/b.ts");
  const t = timeByFunction(profile, fileOf);

  it("gives each function its own samples as self time, idle apart", () => {
    expect(t.busyMs).toBe(6.5);
    expect(t.self.get("(anonymous) (native):1")).toBe(3);
    expect(t.self.get("receive src/b.ts:50")).toBe(1);
    expect(t.self.get("validate src/a.ts:20")).toBe(1);
  });

  it("gives a function every sample it was on the stack for as total time", () => {
    expect(t.total.get("enqueue src/b.ts:30")).toBe(4);
    expect(t.total.get("fetch src/a.ts:10")).toBe(2);
    expect(t.total.get("(root) (native):1")).toBe(6.5);
  });

  it("sums self time by file", () => {
    expect(Object.fromEntries(t.files)).toEqual({ "src/a.ts": 2, "src/b.ts": 1, "(native)": 3.5 });
  });

  it("caps a sample's time like breakdown", () => {
    expect(timeByFunction(profile, fileOf, 1).busyMs).toBe(5.5);
  });
});

describe("a bundle's lines by source module", () => {
  const bundle = ["var x = 1;", "// src/shared/log.ts", "function log() {}", "", "// ../node_modules/zod/v4/core/schemas.js", "var s;", "// src/index.ts", "export default {};"].join("\n");
  const fileOf = bundleModules(bundle);

  it("names each line by the module comment above it, a package by its name", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((line) => fileOf("file:///w/.wrangler/tmp/dev-1/index.js", line))).toEqual([
      "(bundle head)", "src/shared/log.ts", "src/shared/log.ts", "src/shared/log.ts", "node_modules/zod", "node_modules/zod", "src/index.ts", "src/index.ts",
    ]);
  });

  it("keeps other scripts' file names and calls native frames native", () => {
    expect(fileOf("node-internal:internal_inspect", 3)).toBe("node-internal:internal_inspect");
    expect(fileOf("file:///x/middleware.ts", 3)).toBe("middleware.ts");
    expect(fileOf("", 0)).toBe("(native)");
  });
});
