// Which agent processes a restarted VM ends: only those its records prove to be the ones a previous
// VM process started (same boot, same start time), never a process that reused a pid.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { leftoverTargets, parseProcParent, parseProcStat, strayProcesses, survivorsOf, type AgentRecord, type ProcStat, type Target } from "../../src/core/leftover-agents";

const BOOT = "boot-a";
const record = (pid: number, startTime: number, more: Partial<AgentRecord> = {}): AgentRecord => ({ pid, pgid: pid, startTime, bootId: BOOT, ids: { uid: 10_000, gid: 10_000 }, ...more });
const proc = (pid: number, pgid: number, startTime: number, state = "S"): ProcStat => ({ pid, pgid, startTime, state });

describe("leftoverTargets", () => {
  const cases: Array<{ name: string; records: AgentRecord[]; processes: ProcStat[]; bootId?: string; targets: Target[] }> = [
    { name: "no records: nothing", records: [], processes: [proc(100, 100, 5)], targets: [] },
    { name: "its leader alive, same start time: the group", records: [record(100, 5)], processes: [proc(100, 100, 5), proc(101, 100, 9)], targets: [{ kind: "group", pgid: 100 }] },
    { name: "the leader alone: the group", records: [record(100, 5)], processes: [proc(100, 100, 5, "R")], targets: [{ kind: "group", pgid: 100 }] },
    { name: "a pid reused by a later process: nothing", records: [record(100, 5)], processes: [proc(100, 100, 700)], targets: [] },
    { name: "a pid reused in another group: nothing", records: [record(100, 5)], processes: [proc(100, 40, 5), proc(41, 100, 6)], targets: [] },
    { name: "another boot: nothing, whatever the pids say", records: [record(100, 5, { bootId: "boot-old" })], processes: [proc(100, 100, 5)], targets: [] },
    { name: "the group gone: nothing", records: [record(100, 5)], processes: [proc(7, 7, 1)], targets: [] },
    { name: "the leader a zombie, members alive: the group", records: [record(100, 5)], processes: [proc(100, 100, 5, "Z"), proc(102, 100, 8)], targets: [{ kind: "group", pgid: 100 }] },
    { name: "the leader a zombie, nothing else: nothing", records: [record(100, 5)], processes: [proc(100, 100, 5, "Z")], targets: [] },
    {
      name: "the leader gone, members left: each member",
      records: [record(100, 5)],
      processes: [proc(102, 100, 8), proc(103, 100, 9, "Z"), proc(104, 104, 9)],
      targets: [{ kind: "process", pid: 102, pgid: 100 }],
    },
    { name: "the leader gone, a member older than it: not that one", records: [record(100, 5)], processes: [proc(90, 100, 3)], targets: [] },
    {
      name: "several records: each judged alone",
      records: [record(100, 5), record(200, 50), record(300, 60, { bootId: "boot-old" })],
      processes: [proc(100, 100, 5), proc(200, 200, 999), proc(300, 300, 60)],
      targets: [{ kind: "group", pgid: 100 }],
    },
  ];
  it.each(cases)("$name", ({ records, processes, bootId = BOOT, targets }) => {
    expect(leftoverTargets(records, { bootId, processes })).toEqual(targets);
  });
});

describe("survivorsOf", () => {
  const cases: Array<{ name: string; targets: Target[]; processes: ProcStat[]; survivors: number[] }> = [
    { name: "a group with a live member", targets: [{ kind: "group", pgid: 100 }], processes: [proc(100, 100, 5, "Z"), proc(101, 100, 6)], survivors: [101] },
    { name: "a group of zombies is dead", targets: [{ kind: "group", pgid: 100 }], processes: [proc(100, 100, 5, "Z"), proc(101, 100, 6, "Z")], survivors: [] },
    { name: "a process still there", targets: [{ kind: "process", pid: 102, pgid: 100 }], processes: [proc(102, 100, 8, "D")], survivors: [102] },
    { name: "other processes do not count", targets: [{ kind: "group", pgid: 100 }], processes: [proc(5, 5, 1)], survivors: [] },
  ];
  it.each(cases)("$name", ({ targets, processes, survivors }) => {
    expect(survivorsOf(targets, processes)).toEqual(survivors);
  });
});

describe("parseProcStat", () => {
  const cases: Array<{ name: string; text: string; stat: ProcStat | null }> = [
    {
      name: "a plain name",
      text: "4242 (claude) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 12 0 987654 1000 100 18446744073709551615",
      stat: { pid: 4242, state: "S", pgid: 4242, startTime: 987654 },
    },
    {
      name: "a name with spaces and parentheses",
      text: "77 (a (b) c) R 1 70 70 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 31337 1000 100",
      stat: { pid: 77, state: "R", pgid: 70, startTime: 31337 },
    },
    { name: "empty (the process is gone)", text: "", stat: null },
    { name: "cut short", text: "77 (x) S 1 70", stat: null },
  ];
  it.each(cases)("$name", ({ text, stat }) => {
    expect(parseProcStat(text)).toEqual(stat);
  });

  it("reads this very process", async () => {
    const stat = parseProcStat(readFileSync("/proc/self/stat", "utf8"));
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.state).toBe("R");
    expect(stat?.startTime).toBeGreaterThan(0);
  });
});

describe("strayProcesses", () => {
  const SERVER = 100;
  const p = (pid: number, ppid: number, state = "S") => ({ pid, ppid, state });
  it.each([
    { name: "the CLI and what it started descend from the server", processes: [p(200, SERVER), p(201, 200), p(202, 201)], strays: [] },
    { name: "a setsid daemon re-parented to PID 1", processes: [p(200, SERVER), p(300, 1)], strays: [300] },
    { name: "its children too", processes: [p(300, 1), p(301, 300), p(302, 301)], strays: [300, 301, 302] },
    { name: "what the server runs as the user is its own", processes: [p(500, SERVER)], strays: [] },
    { name: "another VM's agent of the same uid on a shared host is someone else's", processes: [p(700, 4321), p(701, 700)], strays: [] },
    { name: "a zombie is dead already", processes: [p(300, 1, "Z")], strays: [] },
    { name: "a loop in the table names nothing", processes: [p(600, 601), p(601, 600)], strays: [] },
  ])("$name", ({ processes, strays }) => {
    expect(strayProcesses(processes, SERVER)).toEqual(strays);
  });

  it("names nothing when the server is PID 1 itself: it adopts the orphans, and they look like its own", () => {
    expect(strayProcesses([p(300, 1), p(500, 1)], 1)).toEqual([]);
  });

  it("reads a parent from a stat line whose name holds spaces and parentheses", () => {
    const text = "4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 1 0 987654 1000 100";
    expect(parseProcParent(text)).toEqual({ pid: 4242, ppid: 17, state: "S" });
    expect(parseProcParent("garbage")).toBeNull();
    expect(parseProcParent(readFileSync("/proc/self/stat", "utf8"))).toEqual({ pid: process.pid, ppid: process.ppid, state: "R" });
  });
});
