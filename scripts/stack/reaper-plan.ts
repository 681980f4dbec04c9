// Pure: what the reaper's watchdog was asked to guard (lines its parent writes to it), and which
// live processes it ends once the parent is gone. Tested in plain Node; the watchdog is the shell.
import type { ProcessInfo } from "./proc-table.ts";

export type WatchState = {
  /** Process groups (their leader's pid) to end, with everything they started. */
  groups: Set<number>;
  /** Directories to remove once the processes are gone. */
  paths: Set<string>;
  /** A run's marker: every process whose environment carries it belongs to the run. */
  marker: string | null;
  /** Since when the agents' CLI socket directories in /tmp are the run's (agent-sockets.ts); null: none to sweep. */
  socketsSince: number | null;
};

export const emptyWatchState = (): WatchState => ({ groups: new Set(), paths: new Set(), marker: null, socketsSince: null });

/** One protocol line: `group <pid>`, `ungroup <pid>`, `path <dir>`, `unpath <dir>`, `marker <id>`, `sockets <since ms>`, `unsockets <since ms>`. Anything else is ignored. */
export function applyWatchLine(state: WatchState, line: string): void {
  const match = /^(group|ungroup|path|unpath|marker|sockets|unsockets) (.+)$/.exec(line.trim());
  if (!match) return;
  const [, verb, arg] = match as unknown as [string, string, string];
  const pid = Number(arg);
  const validPid = Number.isInteger(pid) && pid > 1;
  if (verb === "group" && validPid) state.groups.add(pid);
  else if (verb === "ungroup" && validPid) state.groups.delete(pid);
  else if (verb === "path" && arg.startsWith("/")) state.paths.add(arg);
  else if (verb === "unpath") state.paths.delete(arg);
  else if (verb === "marker") state.marker = arg;
  else if (verb === "sockets" && /^\d+$/.test(arg)) state.socketsSince = Number(arg);
  else if (verb === "unsockets") state.socketsSince = null;
}

/** The line that asks for `verb` on `arg`, for the parent's side. */
export const watchLine = (verb: "group" | "ungroup" | "path" | "unpath" | "marker" | "sockets" | "unsockets", arg: string | number): string => `${verb} ${arg}\n`;

/**
 * The live processes to end: members of a guarded group, carriers of the marker, processes seen
 * earlier as the run's (same pid and start time, so never a reused pid), and all their descendants;
 * never `self`.
 */
export function reapTargets(table: ProcessInfo[], state: WatchState, noted: ReadonlyMap<number, string>, self: number): ProcessInfo[] {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const children = new Map<number, ProcessInfo[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const roots = table.filter((p) => state.groups.has(p.pgid) || p.marked || (noted.has(p.pid) && noted.get(p.pid) === p.startedAt));
  const found = new Map<number, ProcessInfo>();
  const queue = [...roots];
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (found.has(p.pid) || p.pid === self) continue;
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...found.values()].filter((p) => byPid.has(p.pid));
}
