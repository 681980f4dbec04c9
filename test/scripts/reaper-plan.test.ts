import { describe, expect, it } from "vitest";
import { environHasMarker, parseProcStat, type ProcessInfo } from "../../scripts/stack/proc-table";
import { applyWatchLine, emptyWatchState, reapTargets } from "../../scripts/stack/reaper-plan";

describe("applyWatchLine", () => {
  it.each([
    { lines: ["group 42"], groups: [42], paths: [], marker: null },
    { lines: ["group 42", "group 43", "ungroup 42"], groups: [43], paths: [], marker: null },
    { lines: ["path /tmp/relay-x", "path /tmp/relay-y", "unpath /tmp/relay-x"], groups: [], paths: ["/tmp/relay-y"], marker: null },
    { lines: ["marker abc-1"], groups: [], paths: [], marker: "abc-1" },
    // Never pid 0 or 1 (a group of 0 is our own; 1 is init), never a relative path, nothing unknown.
    { lines: ["group 0", "group 1", "group -5", "group x", "path relative/dir", "kill 42", ""], groups: [], paths: [], marker: null },
  ])("$lines", ({ lines, groups, paths, marker }) => {
    const state = emptyWatchState();
    lines.forEach((line) => applyWatchLine(state, line));
    expect({ groups: [...state.groups], paths: [...state.paths], marker: state.marker }).toEqual({ groups, paths, marker });
  });

  it.each([
    { lines: ["sockets 1700000000000"], since: 1700000000000 },
    { lines: ["sockets 1700000000000", "unsockets 1700000000000"], since: null },
    // Only a whole number of milliseconds.
    { lines: ["sockets soon", "sockets -5", "sockets 1.5"], since: null },
    { lines: [], since: null },
  ])("the agents' socket directories: $lines", ({ lines, since }) => {
    const state = emptyWatchState();
    lines.forEach((line) => applyWatchLine(state, line));
    expect(state.socketsSince).toBe(since);
  });
});

describe("parseProcStat", () => {
  it.each([
    { text: "123 (node) S 100 123 123 0 -1 4194304 1 0 0 0 0 0 0 0 20 0 1 0 98765 1000 10", want: { pid: 123, ppid: 100, pgid: 123, startedAt: "98765" } },
    // A command name with spaces and parentheses of its own.
    { text: "7 (a (b) c) R 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0", want: { pid: 7, ppid: 1, pgid: 5, startedAt: "555" } },
    { text: "9 (defunct) Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", want: null },
    { text: "garbage", want: null },
  ])("$text", ({ text, want }) => {
    expect(parseProcStat(text)).toEqual(want);
  });
});

it("environHasMarker matches the whole variable only", () => {
  expect(environHasMarker("PATH=/bin\0RELAY_TEST_RUN=abc\0", "abc")).toBe(true);
  expect(environHasMarker("PATH=/bin\0RELAY_TEST_RUN=abcd\0", "abc")).toBe(false);
  expect(environHasMarker("X_RELAY_TEST_RUN=abc\0", "abc")).toBe(false);
});

describe("reapTargets", () => {
  const p = (pid: number, ppid: number, pgid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({ pid, ppid, pgid, startedAt: `t${pid}`, marked: false, ...extra });
  // 10 leads a group (11 in it); 12 left the group but is 10's child, 13 is 12's; 20 is someone else's;
  // 30 carries the marker and 31 is its child without it; 40 is an orphan noted earlier; 50 is this watchdog.
  const table = [p(10, 1, 10), p(11, 10, 10), p(12, 10, 12), p(13, 12, 12), p(20, 1, 20), p(30, 1, 30, { marked: true }), p(31, 30, 31), p(40, 1, 40), p(50, 30, 50, { marked: true })];

  it.each([
    { name: "nothing guarded: nothing", groups: [], marked: false, noted: [], want: [] },
    { name: "a group: its members and everything they started, in the group or not", groups: [10], marked: false, noted: [], want: [10, 11, 12, 13] },
    { name: "a marker: its carriers and their children, never the watchdog itself", groups: [], marked: true, noted: [], want: [30, 31] },
    { name: "an orphan noted earlier, with the same start time", groups: [], marked: false, noted: [[40, "t40"]], want: [40] },
    { name: "a pid noted earlier but started since: a reused pid, not ours", groups: [], marked: false, noted: [[40, "t39"]], want: [] },
  ] as const)("$name", ({ groups, marked, noted, want }) => {
    const state = emptyWatchState();
    groups.forEach((g) => state.groups.add(g));
    if (marked) state.marker = "m";
    // The table reads environments only when there is a marker to look for.
    const read = marked ? table : table.map((x) => ({ ...x, marked: false }));
    const got = reapTargets(read, state, new Map(noted), 50).map((x) => x.pid).sort((a, b) => a - b);
    expect(got).toEqual(want);
  });
});
