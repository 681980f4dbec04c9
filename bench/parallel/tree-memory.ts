// The resident memory of a process and everything it started (the VM server, its agents' CLIs and
// what they run), read from /proc; a sampler keeps the peak. The parsing and the tree walk are pure.
import { readdirSync, readFileSync } from "node:fs";

/** The parent pid from /proc/<pid>/stat (field 4, after the command name, which may hold spaces). */
export function parentOf(stat: string): number | null {
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  const ppid = Number(stat.slice(close + 2).split(" ")[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/** VmRSS from /proc/<pid>/status, in kB; null for a process without one (a zombie). */
export function rssKbOf(status: string): number | null {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) : null;
}

/** `root` and every process below it, given each live process's parent. */
export function treeOf(parents: ReadonlyMap<number, number>, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  for (const queue = parents.has(root) ? [root] : []; queue.length > 0; ) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export type TreeMemory = { rssMb: number; processes: number };

const readOr = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process ended between listing and reading
  }
};

/** The summed VmRSS of `root`'s tree now (pages two processes share count twice). */
export function treeMemory(root: number): TreeMemory {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(readOr(`/proc/${entry}/stat`) ?? "");
    if (ppid !== null) parents.set(Number(entry), ppid);
  }
  let kb = 0;
  let processes = 0;
  for (const pid of treeOf(parents, root)) {
    const rss = rssKbOf(readOr(`/proc/${pid}/status`) ?? "");
    if (rss === null) continue;
    kb += rss;
    processes++;
  }
  return { rssMb: Math.round((kb / 1024) * 10) / 10, processes };
}

/** Reads the tree every `everyMs` until stopped; `stop()` returns the largest reading. */
export function sampleTreePeak(root: number, everyMs: number): { stop(): TreeMemory & { samples: number } } {
  let peak = treeMemory(root);
  let samples = 1;
  const timer = setInterval(() => {
    const now = treeMemory(root);
    samples++;
    if (now.rssMb > peak.rssMb) peak = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { ...peak, samples };
    },
  };
}
