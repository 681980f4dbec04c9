import { describe, expect, it } from "vitest";
import { AGENT_PROCESS_MB, admitProcess, processBudget } from "../../src/core/process-budget";

describe("processBudget", () => {
  it.each([
    [512, 1],
    [1024, 1],
    [2048, 4],
    [4096, 9],
  ])("a Machine of %i MB holds %i agent processes", (mb, n) => expect(processBudget(mb)).toBe(n));
});

describe("admitProcess", () => {
  const roomy = { totalMb: 2048, freeMb: 1500 };
  it.each([
    ["room in the budget and the kernel: spawn", { alive: 2, idle: 0, ...roomy }, { kind: "spawn" }],
    ["the budget full, one warm process idle: it goes first", { alive: 4, idle: 1, ...roomy }, { kind: "evict", count: 1 }],
    ["the budget full of running processes: refused, named", { alive: 4, idle: 0, ...roomy }, { kind: "refuse", reason: "memory: the Machine's 2048 MB hold 4 agent processes, and 4 are running" }],
    ["the kernel short of memory, an idle process to let go", { alive: 1, idle: 1, totalMb: 2048, freeMb: AGENT_PROCESS_MB - 1 }, { kind: "evict", count: 1 }],
    ["the kernel short of memory, nothing idle: refused, named", { alive: 1, idle: 0, totalMb: 2048, freeMb: 120 }, { kind: "refuse", reason: "memory pressure: 120 MB free, an agent process needs 400 MB" }],
    ["a small Machine runs one at a time", { alive: 1, idle: 0, totalMb: 1024, freeMb: 600 }, { kind: "refuse", reason: "memory: the Machine's 1024 MB hold 1 agent process, and 1 is running" }],
  ])("%s", (_name, input, expected) => expect(admitProcess(input)).toEqual(expected));
});
