// Agent process groups a previous VM process left running: which to end, decided from the records
// it kept (vm/src/cli/agent-records.ts) and what /proc says now; and the processes an agent's uid has
// left behind a run (strayProcesses). A pid or a process group id may have
// been reused since, by anything: only a process whose start time proves it is the one recorded,
// or a member of that very group, is ever named.
import * as z from "zod";

export const AgentRecordSchema = z.object({
  pid: z.number().int().positive(),
  /** The CLI leads a group of its own (spawned detached): its pid. */
  pgid: z.number().int().positive(),
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot, fixed for the life of the process. */
  startTime: z.number().int().nonnegative(),
  /** /proc/sys/kernel/random/boot_id: after a reboot, nothing recorded is alive. */
  bootId: z.string().min(1),
  /** Whom it ran as (null: the server's user); /proc is read as them where it hides others' processes. */
  ids: z.object({ uid: z.number().int(), gid: z.number().int() }).nullable(),
});
export type AgentRecord = z.infer<typeof AgentRecordSchema>;

export type ProcStat = { pid: number; state: string; pgid: number; startTime: number };
export type Target = { kind: "group"; pgid: number } | { kind: "process"; pid: number; pgid: number };

/**
 * The fields of `/proc/<pid>/stat` after the command name, with the pid, or null when it does not
 * read as one. The name (field 2) sits in parentheses and may hold spaces and parentheses itself:
 * the fields are counted after the last `)`. [0] is field 3 (state).
 */
function statFields(text: string): { pid: number; fields: string[] } | null {
  const close = text.lastIndexOf(")");
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return null;
  return { pid, fields: text.slice(close + 1).trim().split(/\s+/) };
}

/** `/proc/<pid>/stat`, or null when it does not read as one. */
export function parseProcStat(text: string): ProcStat | null {
  const read = statFields(text);
  if (!read) return null;
  // Field 3 (state) is [0], field 5 (pgrp) [2], field 22 (starttime) [19].
  const { pid, fields } = read;
  const pgid = Number(fields[2]);
  const startTime = Number(fields[19]);
  if (!fields[0] || !Number.isInteger(pgid) || !Number.isInteger(startTime)) return null;
  return { pid, state: fields[0], pgid, startTime };
}

export type ProcParent = { pid: number; ppid: number; state: string };

/** A process's parent (field 4, [1]) and state, from `/proc/<pid>/stat`; null when it does not read as one. */
export function parseProcParent(text: string): ProcParent | null {
  const read = statFields(text);
  const ppid = Number(read?.fields[1]);
  if (!read?.fields[0] || !Number.isInteger(ppid)) return null;
  return { pid: read.pid, ppid, state: read.fields[0] };
}

/**
 * An agent uid's processes that escaped its CLI: orphans adopted by PID 1, a daemon that left with
 * `setsid` and a fork among them, and what they started since. Only those: the CLI, its tools and
 * MCP servers, and whatever the server runs as the user descend from the server (`serverPid`),
 * and a process whose line of parents leads to any other live process (another VM's agent on a
 * shared host, one a user started by hand) is someone else's. `processes` are the uid's own; a
 * parent missing from them is another uid's. Where another process than PID 1 adopts orphans (a
 * subreaper above the server), they are not found.
 */
export function strayProcesses(processes: readonly ProcParent[], serverPid: number): number[] {
  // The server as PID 1 (a container without an init) adopts the orphans itself: none can be told from its own.
  if (serverPid === 1) return [];
  const parentOf = new Map(processes.map((p) => [p.pid, p.ppid]));
  /** The first parent of `pid`'s line that is not the uid's: the server, PID 1, or someone else. */
  const rootOf = (pid: number): number | null => {
    const seen = new Set<number>();
    for (let at = pid; !seen.has(at); ) {
      seen.add(at);
      const parent = parentOf.get(at);
      if (parent === undefined) return null;
      if (!parentOf.has(parent)) return parent;
      at = parent;
    }
    return null;
  };
  return processes.filter((p) => p.state !== "Z" && p.state !== "X" && p.pid !== serverPid && rootOf(p.pid) === 1).map((p) => p.pid);
}

const isLive = (p: ProcStat) => p.state !== "Z" && p.state !== "X";

/**
 * What to kill for each record of the same boot. Its leader alive with the recorded start time:
 * the whole group (nobody else can hold that group id while the leader lives). Its leader gone:
 * the live members of its group that started no earlier than it (the group id stays taken while
 * any member lives, so they are its own). A leader of another start time is a reused pid: nothing.
 */
export function leftoverTargets(records: readonly AgentRecord[], now: { bootId: string; processes: readonly ProcStat[] }): Target[] {
  const targets: Target[] = [];
  for (const record of records) {
    if (record.bootId !== now.bootId) continue;
    const leader = now.processes.find((p) => p.pid === record.pid);
    if (leader) {
      const same = leader.startTime === record.startTime && leader.pgid === record.pgid;
      if (same && now.processes.some((p) => p.pgid === record.pgid && isLive(p))) targets.push({ kind: "group", pgid: record.pgid });
      continue;
    }
    for (const member of now.processes) {
      if (member.pgid === record.pgid && member.startTime >= record.startTime && isLive(member)) targets.push({ kind: "process", pid: member.pid, pgid: record.pgid });
    }
  }
  return targets;
}

/** How many process groups the targets end. */
export const groupsOf = (targets: readonly Target[]): number => new Set(targets.map((t) => t.pgid)).size;

/** The processes of `targets` still alive (a zombie is dead: it only waits for its parent to read its status). */
export function survivorsOf(targets: readonly Target[], processes: readonly ProcStat[]): number[] {
  return processes
    .filter((p) => isLive(p) && targets.some((t) => (t.kind === "group" ? p.pgid === t.pgid : p.pid === t.pid)))
    .map((p) => p.pid);
}
