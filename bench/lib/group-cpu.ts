// CPU time used so far by every live process of one process group (wrangler and its workerd),
// read from /proc. Far steadier than rates on a shared machine: other people's work does not add to it.
import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc reports utime and stime in these ticks (100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/** Fields after the command name (which may hold spaces) in /proc/<pid>/stat. */
export function parseStat(line: string): { name: string; pgrp: number; cpuTicks: number } | null {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const fields = line.slice(close + 2).split(" ");
  // fields[0] is state (field 3), so field N is fields[N - 3].
  const pgrp = Number(fields[2]);
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(pgrp) && Number.isFinite(cpuTicks) ? { name: line.slice(open + 1, close), pgrp, cpuTicks } : null;
}

export type GroupCpu = { totalMs: number; workerdMs: number };

/** Milliseconds of CPU (user + system) of the group's live processes, and of its workerd alone; NaN without /proc. */
export function groupCpuMs(pgid: number): GroupCpu {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return { totalMs: Number.NaN, workerdMs: Number.NaN };
  }
  let ticks = 0;
  let workerdTicks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (stat?.pgrp !== pgid) continue;
      ticks += stat.cpuTicks;
      if (stat.name === "workerd") workerdTicks += stat.cpuTicks;
    } catch {
      // The process ended between listing and reading.
    }
  }
  const ms = (n: number) => (n * 1000) / TICKS_PER_SECOND;
  return { totalMs: ms(ticks), workerdMs: ms(workerdTicks) };
}

/** Resident memory (kB, VmRSS) of the group's workerd processes together; NaN without /proc. */
export function groupWorkerdRssKb(pgid: number): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return Number.NaN;
  }
  let kb = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (stat?.pgrp !== pgid || stat.name !== "workerd") continue;
      kb += Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kb;
}
