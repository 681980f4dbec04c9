// CPU time by process over the warm path's rounds, read from /proc before and after them: which
// share of the two cores is the relay's (wrangler and its workerd), the VM server's, its CLIs'
// (and the children it reaped: git for checkpoints), and the floors' (the hello-world Worker, the
// bare CLI). Counters, not rates, so other people's work on the machine does not add to them.
// The reading is a thin shell; the parsing and the arithmetic are pure.
import { readdirSync, readFileSync } from "node:fs";
import { type Figure, info } from "../lib/figures";
import type { GroupCpu } from "../lib/group-cpu";
import { parentOf, treeOf } from "../parallel/tree-memory";

/** Linux's USER_HZ (100 on every mainstream build). */
export const TICKS_PER_SECOND = 100;

/** utime+stime and cutime+cstime (children it waited for) in ticks, from /proc/<pid>/stat; null when unreadable. */
export function cpuTicksOf(stat: string): { own: number; reaped: number } | null {
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  // fields[0] is state (field 3), so field N is fields[N - 3]: utime 14, stime 15, cutime 16, cstime 17.
  const f = stat.slice(close + 2).split(" ").map(Number);
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]];
  if (![utime, stime, cutime, cstime].every((n) => Number.isFinite(n))) return null;
  return { own: utime! + stime!, reaped: cutime! + cstime! };
}

/** Where the CPU is read: the two wrangler dev groups' counters, and process trees by their root pid. */
export type CpuSources = { relay: () => GroupCpu; hello: () => GroupCpu; vmPid: number; bareCliPid: number };

/** Milliseconds of CPU so far, by share. */
export type CpuSnapshot = {
  relay: number;
  relayWorkerd: number;
  hello: number;
  vmServer: number;
  /** The VM's live descendants (its CLIs, warm and spare) and every child it has reaped (checkpoints' git, short-lived helpers). */
  vmChildren: number;
  bareCli: number;
};

const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;

/** Every process's /proc/<pid>/stat line, by pid (bench/profile/vm-ab.ts reads its VMs' trees with it too). */
export function readStats(): Map<number, string> {
  const stats = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), readFileSync(`/proc/${entry}/stat`, "utf8"));
    } catch {
      // Gone meanwhile.
    }
  }
  return stats;
}

/** A tree's CPU: its root's own and reaped children's, and every live descendant's own. */
export function treeCpuTicks(stats: ReadonlyMap<number, string>, root: number): { root: number; below: number } {
  const parents = new Map<number, number>();
  for (const [pid, stat] of stats) {
    const ppid = parentOf(stat);
    if (ppid !== null) parents.set(pid, ppid);
  }
  let below = 0;
  let own = 0;
  for (const pid of treeOf(parents, root)) {
    const ticks = cpuTicksOf(stats.get(pid) ?? "");
    if (!ticks) continue;
    if (pid === root) {
      own = ticks.own;
      below += ticks.reaped;
    } else below += ticks.own;
  }
  return { root: own, below };
}

export function cpuSnapshot(sources: CpuSources): CpuSnapshot {
  const stats = readStats();
  const relay = sources.relay();
  const vm = treeCpuTicks(stats, sources.vmPid);
  const bare = treeCpuTicks(stats, sources.bareCliPid);
  return {
    relay: relay.totalMs,
    relayWorkerd: relay.workerdMs,
    hello: sources.hello().workerdMs,
    vmServer: ms(vm.root),
    vmChildren: ms(vm.below),
    bareCli: ms(bare.root + bare.below),
  };
}

/** Each share's CPU per round between two snapshots (ms, one decimal). */
export function cpuPerRound(before: CpuSnapshot, after: CpuSnapshot, rounds: number): CpuSnapshot {
  const per = (key: keyof CpuSnapshot) => (rounds > 0 ? Math.round(((after[key] - before[key]) / rounds) * 10) / 10 : Number.NaN);
  return { relay: per("relay"), relayWorkerd: per("relayWorkerd"), hello: per("hello"), vmServer: per("vmServer"), vmChildren: per("vmChildren"), bareCli: per("bareCli") };
}

/**
 * The path's CPU per round by share, beside its floors'. Each round runs one warm turn through the
 * relay and the VM, one hello-world request and one bare CLI turn; the relay's and the VM's shares
 * are the path's alone, the hello-world Worker's and the bare CLI's are the floors'.
 */
export function cpuFigures(per: CpuSnapshot): Figure[] {
  const section = "warm-path";
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const relayOver = r1(per.relayWorkerd - per.hello);
  const cliOver = r1(per.vmChildren - per.bareCli);
  return [
    info(section, "CPU per warm follow-up: the relay (wrangler dev and its workerd)", per.relay, "ms", `workerd alone ${per.relayWorkerd} ms, the hello-world Worker's workerd ${per.hello} ms a request: the relay's Worker and objects ${relayOver} ms over it`),
    info(section, "CPU per warm follow-up: the VM server (its own threads)", per.vmServer, "ms", "the run manager, the credential proxy, the run's events to the relay, the checkpoint's bookkeeping"),
    info(section, "CPU per warm follow-up: the VM's CLIs and their children", per.vmChildren, "ms", `the bare CLI ${per.bareCli} ms a turn: ${cliOver} ms over it (the relay's tools, instructions and approvals; the checkpoint's git children)`),
  ];
}
