// Every process a child started, including the ones that left its process group (the VM runs
// each Claude Code CLI in a group of its own), so stopping the stack can leave none behind.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

export type ProcessRow = { pid: number; ppid: number };

/** Pure: the descendants of `roots` in a process table, roots excluded. */
export function descendantsOf(roots: number[], table: ProcessRow[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [...roots];
  const seen = new Set(roots);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Pure: `ps -A -o pid=,ppid=,stat=` output as rows. Zombies are left out: they are gone, only not reaped yet. */
export function parseProcessTable(text: string): ProcessRow[] {
  return text.split("\n").flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S+)\s*$/.exec(line);
    if (!match || match[3]?.startsWith("Z")) return [];
    return [{ pid: Number(match[1]), ppid: Number(match[2]) }];
  });
}

/**
 * The machine's live processes (Linux and macOS `ps`); empty when `ps` is unavailable. Never
 * synchronous: tsx's parent process SIGKILLs a child that does not acknowledge a signal within
 * 30 ms, so `npm start` must keep its event loop free while it stops the stack.
 */
export async function readProcessTable(): Promise<ProcessRow[]> {
  try {
    const { stdout } = await promisify(execFile)("ps", ["-A", "-o", "pid=,ppid=,stat="], { encoding: "utf8" });
    return parseProcessTable(stdout);
  } catch {
    return [];
  }
}

/** A process's command line, its arguments joined by spaces (Linux's /proc); "" when it is gone or there is no /proc. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
