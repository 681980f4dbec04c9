import { describe, expect, it } from "vitest";
import { breakdown, type CpuProfile, has, leafIs, within } from "../profile/cpu-profile";

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
