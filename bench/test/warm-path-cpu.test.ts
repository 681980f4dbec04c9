// The warm path's CPU by process: /proc/<pid>/stat's counters read right (a command name with
// spaces and parentheses), a tree's root apart from its descendants and the children it reaped,
// and the shares per round between two snapshots.
import { describe, expect, it } from "vitest";
import { cpuFigures, cpuPerRound, cpuTicksOf, treeCpuTicks, type CpuSnapshot } from "../warm-path/cpu";

/** A /proc/<pid>/stat line: pid (name) state ppid … utime stime cutime cstime …. */
const stat = (pid: number, name: string, ppid: number, utime: number, stime: number, cutime = 0, cstime = 0) =>
  `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 5000 1000 200`;

describe("cpuTicksOf", () => {
  it("reads utime+stime and cutime+cstime after a name holding spaces and a parenthesis", () => {
    expect(cpuTicksOf(stat(7, "claude (x) y", 1, 30, 12, 5, 2))).toEqual({ own: 42, reaped: 7 });
  });
  it("gives null for a line it cannot read", () => {
    expect(cpuTicksOf("")).toBeNull();
    expect(cpuTicksOf("7 (node) S 1")).toBeNull();
  });
});

describe("treeCpuTicks", () => {
  it("puts the root's own ticks apart from its live descendants' and the children it reaped", () => {
    const stats = new Map([
      [10, stat(10, "node", 1, 100, 50, 8, 2)],
      [11, stat(11, "claude", 10, 300, 20)],
      [12, stat(12, "git", 11, 4, 1)],
      [20, stat(20, "other", 1, 999, 999)],
    ]);
    expect(treeCpuTicks(stats, 10)).toEqual({ root: 150, below: 10 + 320 + 5 });
    expect(treeCpuTicks(stats, 99)).toEqual({ root: 0, below: 0 });
  });
});

describe("cpuPerRound", () => {
  const snap = (over: Partial<CpuSnapshot>): CpuSnapshot => ({ relay: 0, relayWorkerd: 0, hello: 0, vmServer: 0, vmChildren: 0, bareCli: 0, ...over });
  it("divides each share's growth by the rounds", () => {
    const per = cpuPerRound(snap({ relay: 1_000, vmChildren: 500 }), snap({ relay: 1_400, relayWorkerd: 300, hello: 40, vmServer: 120, vmChildren: 900, bareCli: 330 }), 40);
    expect(per).toEqual({ relay: 10, relayWorkerd: 7.5, hello: 1, vmServer: 3, vmChildren: 10, bareCli: 8.3 });
    expect(cpuFigures(per).map((f) => f.value)).toEqual([10, 3, 10]);
    expect(cpuFigures(per)[2]?.note).toContain("the bare CLI 8.3 ms a turn: 1.7 ms over it");
  });
  it("gives no figure for no rounds", () => {
    expect(cpuPerRound(snap({}), snap({ relay: 5 }), 0).relay).toBeNaN();
  });
});
