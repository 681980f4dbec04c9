// The machine's live processes with what the reaper needs to tell the run's from others: parent,
// process group, start time, and whether the environment carries a marker. Synchronous, for the
// watchdog (it has nothing else to do). Linux reads /proc; elsewhere `ps`, without markers.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export type ProcessInfo = { pid: number; ppid: number; pgid: number; startedAt: string; marked: boolean };

/** The name of the environment variable a test run marks its processes with. */
export const RUN_MARKER_VAR = "RELAY_TEST_RUN";

/** Pure: `/proc/<pid>/stat` as fields; null for a zombie (gone, only not reaped yet) or a line it cannot read. */
export function parseProcStat(text: string): Omit<ProcessInfo, "marked"> | null {
  // The command name is in parentheses and may hold spaces or parentheses itself: split after the last one.
  const close = text.lastIndexOf(")");
  const pid = Number(text.slice(0, text.indexOf(" ")));
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is the state; then ppid, pgrp, …; the start time is field 22 of the line, rest[19].
  if (close < 0 || !Number.isInteger(pid) || rest.length < 20 || rest[0] === "Z" || rest[0] === "X") return null;
  return { pid, ppid: Number(rest[1]), pgid: Number(rest[2]), startedAt: rest[19]! };
}

/** Pure: whether a `/proc/<pid>/environ` (NUL-separated) carries `NAME=marker`. */
export function environHasMarker(environ: string, marker: string): boolean {
  return environ.split("\0").includes(`${RUN_MARKER_VAR}=${marker}`);
}

function readLinux(marker: string | null): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (!stat) continue;
      let marked = false;
      if (marker !== null) {
        try {
          marked = environHasMarker(readFileSync(`/proc/${entry}/environ`, "latin1"), marker);
        } catch {
          // Another user's process, unreadable when not root: not ours to judge by its environment.
        }
      }
      table.push({ ...stat, marked });
    } catch {
      // Ended while we read.
    }
  }
  return table;
}

function readPs(): ProcessInfo[] {
  try {
    const text = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,stat=,lstart="], { encoding: "utf8" });
    return text.split("\n").flatMap((line) => {
      const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
      if (!match || match[4]!.startsWith("Z")) return [];
      return [{ pid: Number(match[1]), ppid: Number(match[2]), pgid: Number(match[3]), startedAt: match[5]!, marked: false }];
    });
  } catch {
    return [];
  }
}

export function readProcesses(marker: string | null): ProcessInfo[] {
  return process.platform === "linux" ? readLinux(marker) : readPs();
}
