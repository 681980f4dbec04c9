// How many agent processes one Machine holds: each conversation of a user runs (and stays warm)
// in a CLI process of its own, and each costs memory. A new process is admitted while the
// Machine's budget (its memory less what the server keeps) holds one more and the kernel has
// room for it; otherwise idle warm processes make way first, and with none to let go the
// process is refused with a named reason: the run ends `busy` and the relay retries it later,
// rather than the kernel killing a process (or the server) out of memory. Pure: numbers in.

/** What one agent process (the CLI and what its commands start) may take, in MB. */
export const AGENT_PROCESS_MB = 400;
/** What the VM server, git and the checkpoints keep beside the agents, in MB. */
export const SERVER_RESERVE_MB = 320;

/** Agent processes a Machine of `totalMb` holds at once: at least one, whatever its size. */
export function processBudget(totalMb: number): number {
  return Math.max(1, Math.floor((totalMb - SERVER_RESERVE_MB) / AGENT_PROCESS_MB));
}

export type ProcessAdmission =
  | { kind: "spawn" }
  /** Let go of this many idle warm processes (the least recently used first), then spawn. */
  | { kind: "evict"; count: number }
  | { kind: "refuse"; reason: string };

/**
 * Whether a new process may start: `alive` processes run or stay warm, `idle` of them are warm
 * with no run; `freeMb` is what the kernel reports available now.
 */
export function admitProcess(v: { alive: number; idle: number; totalMb: number; freeMb: number }): ProcessAdmission {
  const budget = processBudget(v.totalMb);
  const over = v.alive + 1 - budget;
  // Memory the kernel lacks now (other processes grew): idle warm processes give theirs back.
  const short = v.freeMb < AGENT_PROCESS_MB ? Math.ceil((AGENT_PROCESS_MB - v.freeMb) / AGENT_PROCESS_MB) : 0;
  const evict = Math.max(over, short, 0);
  if (evict === 0) return { kind: "spawn" };
  if (evict <= v.idle) return { kind: "evict", count: evict };
  const why =
    over > v.idle
      ? `memory: the Machine's ${v.totalMb} MB hold ${budget} agent process${budget === 1 ? "" : "es"}, and ${v.alive - v.idle} ${v.alive - v.idle === 1 ? "is" : "are"} running`
      : `memory pressure: ${Math.round(v.freeMb)} MB free, an agent process needs ${AGENT_PROCESS_MB} MB`;
  return { kind: "refuse", reason: why };
}
