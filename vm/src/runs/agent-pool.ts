// The agent processes runs are served by, and their slots on the Machine: which may take a run
// (running, warm for their session's next one, or a spare for a new session), which are alive until
// they exit, how long a warm one or a spare waits (awake time), and whether the memory budget
// (core/process-budget.ts) admits one more.
import { freemem, totalmem } from "node:os";
import type { AwakeTime, AwakeTimer } from "../awake-timers";
import type { VmConfig } from "../config";
import { admitProcess } from "../core/process-budget";
import type { AgentRecords } from "../cli/agent-records";
import { stopAgent, type AgentProcess } from "./agent-process";
import type { Run } from "../core/run-handle";

export type AgentPoolDeps = {
  config: Pick<VmConfig, "stopGraceMs" | "warmSessionMs">;
  awake: Pick<AwakeTime, "now" | "after">;
  records?: Pick<AgentRecords, "runEnded">;
  /** The Machine's memory in MB (tests set it); default the kernel's total and available. */
  memory?: () => { totalMb: number; freeMb: number };
  /** SIGTERM under way: a process that finishes its run exits instead of staying warm. */
  shuttingDown: () => boolean;
};

const MB = 1024 * 1024;
const kernelMemory = () => ({ totalMb: totalmem() / MB, freeMb: freemem() / MB });

export function createAgentPool(deps: AgentPoolDeps) {
  const { config } = deps;
  /** The processes that may take a run: running one, or warm (oldest first); a stopping one is not here. */
  const agents = new Set<AgentProcess>();
  /** Every agent process until it has exited, including those being stopped. */
  const alive = new Set<AgentProcess>();
  /** Each warm process's end, in awake time (agent-process.ts's `warmTimer` is a wall-time timeout, left null). */
  const warmTimers = new Map<AgentProcess, AwakeTimer>();

  function endWarm(agent: AgentProcess): void {
    warmTimers.get(agent)?.cancel();
    warmTimers.delete(agent);
    agent.holdUntil = 0;
  }

  function stop(agent: AgentProcess): Promise<unknown> {
    endWarm(agent);
    agents.delete(agent);
    return stopAgent(agent, config.stopGraceMs);
  }

  /**
   * After `done`: keep the process warm for the next message, or let it exit. The run's
   * `keepWarmMs` (deep mode) replaces WARM_SESSION_MS and holds the VM up meanwhile. Both count
   * awake time only: a Machine suspended meanwhile resumes with its process still warm.
   */
  function afterRun(agent: AgentProcess, run: Run, keepWarmMs: number | undefined): void {
    if (agent.run === run) agent.run = null;
    if (agent.stopping || !agent.cli.isAlive()) return;
    deps.records?.runEnded(agent.cli.pid, keepWarmMs !== undefined && keepWarmMs > 0);
    const warmMs = agent.retired ? 0 : (keepWarmMs ?? config.warmSessionMs);
    if (deps.shuttingDown() || warmMs === 0) {
      // Stdin closed: the CLI exits by itself; it can take no new run in the meantime.
      agent.stopping = true;
      agent.cli.endInput();
      setTimeout(() => agent.cli.isAlive() && void stop(agent), config.stopGraceMs).unref();
      return;
    }
    agent.holdUntil = keepWarmMs === undefined ? 0 : deps.awake.now() + warmMs;
    warmTimers.set(agent, deps.awake.after(warmMs, () => void stop(agent)));
  }

  /** Spares first (they hold nothing of anyone's), then warm ones, oldest first. */
  const idle = () => [...agents].filter((a) => !a.run).sort((a, b) => Number(a.served) - Number(b.served));
  const isSpare = (agent: AgentProcess) => !agent.served && !agent.run && !agent.stopping;
  const inDir = (userKey: string, dir: string) => [...alive].filter((agent) => agent.userKey === userKey && agent.cwd === dir);

  return {
    stop,
    afterRun,
    agentOf: (run: Run): AgentProcess | null => [...agents].find((agent) => agent.run === run) ?? null,
    /** A new process: alive until it exits. */
    started(agent: AgentProcess): void {
      alive.add(agent);
    },
    /** Its CLI exited: no run can take it any more. */
    exited(agent: AgentProcess): void {
      alive.delete(agent);
      endWarm(agent);
      agents.delete(agent);
    },
    /** The process takes the run: it is no longer warm, nor a spare. */
    take(agent: AgentProcess, run: Run): void {
      endWarm(agent);
      agent.run = run;
      agent.served = true;
      agents.add(agent);
    },
    /** A spare, started before its run is known: it waits `lifetimeMs` of awake time for one, then exits. */
    addSpare(agent: AgentProcess, lifetimeMs: number): void {
      if (!agent.cli.isAlive() || agent.stopping) return;
      agents.add(agent);
      warmTimers.set(agent, deps.awake.after(lifetimeMs, () => void stop(agent)));
    },
    /** The spares waiting now, every user's. */
    spares: (): AgentProcess[] => [...agents].filter(isSpare),
    /** What the memory budget says of one more process now, without letting any go. */
    headroom: () => admitProcess({ alive: alive.size, idle: idle().length, ...(deps.memory ?? kernelMemory)() }),
    /** The user's processes with no run: warm, or ending. */
    idleOf: (userKey: string): AgentProcess[] => [...agents].filter((agent) => agent.userKey === userKey && !agent.run),
    /** Whether one more process fits the Machine's memory: idle warm processes (any user's, oldest first) make way, or the run is refused by name. */
    async admit(): Promise<{ kind: "refuse"; reason: string } | { kind: "admit" }> {
      const waiting = idle();
      const admission = admitProcess({ alive: alive.size, idle: waiting.length, ...(deps.memory ?? kernelMemory)() });
      if (admission.kind === "refuse") return admission;
      if (admission.kind === "evict") await Promise.all(waiting.slice(0, admission.count).map(stop));
      return { kind: "admit" };
    },
    /** Stops every process of the user still working in that directory (warm, or ending). */
    async stopIn(userKey: string, dir: string): Promise<void> {
      await Promise.all(inDir(userKey, dir).map(stop));
    },
    /**
     * The processes of a workspace whose settings changed under them (forgotten rules they hold
     * for their session): idle ones stop now, a live one exits after its run instead of staying warm.
     */
    async retireIn(userKey: string, dir: string): Promise<void> {
      const found = inDir(userKey, dir);
      for (const agent of found) agent.retired = true;
      await Promise.all(found.filter((agent) => !agent.run).map(stop));
    },
    /** The latest awake time (`awake.now()`) a deep-mode warm process holds the VM up until (0: none). */
    heldUntil(): number {
      return Math.max(0, ...[...alive].filter((a) => !a.run && !a.stopping).map((a) => a.holdUntil));
    },
    /** Ends every idle process. */
    async stopWarm(): Promise<void> {
      await Promise.all(idle().map(stop));
    },
    /** Stops every process that may take a run. */
    stopAll: (): Promise<unknown>[] => [...agents].map(stop),
  };
}

export type AgentPool = ReturnType<typeof createAgentPool>;
