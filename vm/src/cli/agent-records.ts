// Every agent process group the server starts is recorded under DATA_DIR/.agents, one file per
// group, until the group is gone; when a uid's last CLI exits, what that uid left running goes too. A server killed outright (SIGKILL, OOM) leaves its CLIs alive,
// re-parented to PID 1: they would go on writing the session and workspace of a run the relay
// carries on elsewhere. So the next server, before it takes any run, ends what its records name.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { outputAsUser } from "../users/as-user";
import { procVisibilityOf, type AgentIds } from "../core/agent-ids";
import { AgentRecordSchema, groupsOf, leftoverTargets, parseProcParent, parseProcStat, strayProcesses, survivorsOf, type AgentRecord, type ProcParent, type ProcStat, type Target } from "../core/leftover-agents";
import { resolveInside } from "../users/user-paths";

const BOOT_ID = "/proc/sys/kernel/random/boot_id";
const KILLED_GONE_WITHIN_MS = 5_000;

export const agentRecordsDirOf = (dataDir: string) => resolveInside(dataDir, ".agents");

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function parseRecord(text: string | null): AgentRecord | null {
  try {
    return AgentRecordSchema.parse(JSON.parse(text ?? ""));
  } catch {
    return null;
  }
}

/**
 * The stat lines of every process `ids` sees, read by a child of that uid: with /proc mounted
 * hidepid=2 (the image) the server, which keeps no CAP_SYS_PTRACE, sees an agent's processes
 * only as the agent's own uid, and it never switches its own. `read` is the shell's: one child,
 * no process per pid; a line ends at its first newline, so a process name holding one is cut
 * there and parses as nothing, never as another process. `only`: that pid alone.
 */
async function statsSeenAs(ids: AgentIds, only?: number): Promise<ProcStat[]> {
  const script = 'for f in $G; do read -r line < "$f" && printf "%s\\0" "$line"; done 2>/dev/null; exit 0';
  const said = await outputAsUser(ids, script, { G: only === undefined ? "/proc/[0-9]*/stat" : `/proc/${only}/stat` });
  return (said ?? "").split("\0").map(parseProcStat).filter((stat): stat is ProcStat => stat !== null);
}

/**
 * Every process of `ids`'s uid, read by a child of that uid (so hidepid hides nothing from it):
 * `-O` keeps the stat files it owns, which are its own processes'.
 */
async function ownStatLinesOf(ids: AgentIds): Promise<string[]> {
  const script = 'for f in /proc/[0-9]*/stat; do [ -O "$f" ] && read -r line < "$f" && printf "%s\\0" "$line"; done 2>/dev/null; exit 0';
  return ((await outputAsUser(ids, script)) ?? "").split("\0").filter((line) => line !== "");
}

async function ownProcessesOf(ids: AgentIds): Promise<ProcParent[]> {
  return (await ownStatLinesOf(ids)).map(parseProcParent).filter((p): p is ProcParent => p !== null);
}

/** Passes at most: a process that forks as it is killed is listed again in the next. */
const STRAY_PASSES = 5;

/**
 * Ends every process of the uid that no longer descends from this server (core/leftover-agents.ts,
 * strayProcesses): a `setsid` daemon, an orphan. Killed by a child of that uid, which can signal
 * no other uid's process, whatever became of a pid meanwhile. Returns how many were killed.
 */
export async function endStrayProcesses(ids: AgentIds): Promise<number> {
  let killed = 0;
  for (let pass = 0; pass < STRAY_PASSES; pass++) {
    const strays = strayProcesses(await ownProcessesOf(ids), process.pid);
    if (strays.length === 0) break;
    await outputAsUser(ids, "kill -9 $P 2>/dev/null; exit 0", { P: strays.join(" ") });
    killed += strays.length;
  }
  return killed;
}

/** Whether root sees every process in /proc (no hidepid): then nothing needs a child. */
const seesAll = (): boolean => procVisibilityOf(readText("/proc/self/mountinfo") ?? "") === "visible";

/** One process's stat: read in-process when the server sees it, else as `ids`. */
async function statOf(pid: number, ids: AgentIds | null): Promise<ProcStat | null> {
  const stat = parseProcStat(readText(`/proc/${pid}/stat`) ?? "");
  if (stat || !ids || seesAll()) return stat;
  return (await statsSeenAs(ids, pid))[0] ?? null;
}

/** Every process visible as each of `idsList` (null: the server), once each. */
async function processesSeenAs(idsList: readonly (AgentIds | null)[]): Promise<ProcStat[]> {
  const byPid = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = parseProcStat(readText(`/proc/${entry}/stat`) ?? "");
    if (stat) byPid.set(stat.pid, stat);
  }
  if (!seesAll()) {
    const distinct = new Map(idsList.filter((ids): ids is AgentIds => ids !== null).map((ids) => [`${ids.uid}:${ids.gid}`, ids]));
    for (const stats of await Promise.all([...distinct.values()].map((ids) => statsSeenAs(ids)))) {
      for (const stat of stats) if (!byPid.has(stat.pid)) byPid.set(stat.pid, stat);
    }
  }
  return [...byPid.values()];
}

function groupIsGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export function createAgentRecords(dataDir: string) {
  const dir = agentRecordsDirOf(dataDir);
  const bootId = readText(BOOT_ID)?.trim() || "unknown";
  /** Groups whose CLI exited while something it started lived on: looked at again at each exit. */
  const lingering = new Set<number>();
  const fileOf = (pgid: number) => resolveInside(dir, `${pgid}.json`);

  function forgetGone(): void {
    for (const pgid of lingering) {
      if (!groupIsGone(pgid)) continue;
      lingering.delete(pgid);
      rmSync(fileOf(pgid), { force: true });
    }
  }

  /** Each live CLI's uid (null: the server's), from its spawn to its exit. */
  const live = new Map<number, AgentIds | null>();

  /**
   * A CLI exited: when it was its uid's last live one, nothing of that uid may outlive it
   * (docs/vm.md, processes that outlive a run). A CLI kept warm (deep mode) is live: nothing is
   * ended meanwhile. Agents of the server's own uid: nothing can be told apart, nothing is ended.
   */
  function endStraysAfter(pid: number): void {
    const ids = live.get(pid);
    live.delete(pid);
    if (!ids || [...live.values()].some((other) => other?.uid === ids.uid)) return;
    void endStrayProcesses(ids)
      .then((count) => count > 0 && console.log(`vm: stray_processes_ended uid=${ids.uid} count=${count} (left running by an agent whose CLI exited)`))
      .catch((error: unknown) => console.warn(`vm: could not end the stray processes of uid ${ids.uid}: ${String(error)}`));
  }

  /** Records being written (their stat may come from a child): a release waits for its record. */
  const adding = new Map<number, Promise<void>>();

  async function record(pid: number, ids: AgentIds | null): Promise<void> {
    const stat = await statOf(pid, ids);
    if (!stat) return;
    const entry: AgentRecord = { pid: stat.pid, pgid: stat.pgid, startTime: stat.startTime, bootId, ids };
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const partial = `${fileOf(entry.pgid)}.partial`;
      writeFileSync(partial, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      renameSync(partial, fileOf(entry.pgid));
    } catch (error) {
      console.warn(`vm: could not record agent process ${pid}: ${String(error)}`);
    }
  }

  return {
    /** Records a CLI just spawned (detached: it leads its own group). Never throws: a run is not refused for it. */
    add(pid: number | undefined, ids: AgentIds | null): void {
      if (pid === undefined) return;
      live.set(pid, ids);
      const written = record(pid, ids)
        .catch((error: unknown) => console.warn(`vm: could not record agent process ${pid}: ${String(error)}`))
        .finally(() => adding.delete(pid));
      adding.set(pid, written);
    },

    /**
     * A run of CLI `pid` ended and the CLI stays warm for the next one. Unless the conversation
     * keeps it warm on purpose (deep mode: a dev server may be the point), what its agent left
     * running outside the CLI goes now: a daemon would otherwise serve the next run with its token.
     */
    runEnded(pid: number | undefined, deep: boolean): void {
      if (pid === undefined || deep) return;
      const ids = live.get(pid);
      if (!ids) return;
      void endStrayProcesses(ids)
        .then((count) => count > 0 && console.log(`vm: stray_processes_ended uid=${ids.uid} count=${count} (left running by an agent whose run ended)`))
        .catch((error: unknown) => console.warn(`vm: could not end the stray processes of uid ${ids.uid}: ${String(error)}`));
    },

    /** The CLI exited: its record goes once its whole group has, and its uid's strays go now. */
    release(pid: number | undefined): void {
      if (pid === undefined) return;
      endStraysAfter(pid);
      const release = () => {
        lingering.add(pid);
        forgetGone();
      };
      const pending = adding.get(pid);
      if (pending) void pending.then(release);
      else release();
    },
  };
}

export type AgentRecords = ReturnType<typeof createAgentRecords>;

/** The agent process groups recorded under DATA_DIR; null when there is no record folder. */
export function readAgentRecords(dataDir: string): AgentRecord[] | null {
  const dir = agentRecordsDirOf(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return null;
  }
  // A record cut short by the crash names nothing: its group, if any, cannot be told from another.
  return names.map((name) => parseRecord(readText(resolveInside(dir, name)))).filter((r): r is AgentRecord => r !== null);
}

/**
 * At start, before any run: SIGKILLs every recorded group still alive (checked by start time and
 * boot), waits until they are dead, and clears the records. Returns how many records there were,
 * how many groups were ended, and any process still alive after the wait.
 */
export async function endPreviousAgents(dataDir: string): Promise<{ records: number; ended: number; survivors: number[] }> {
  const records = readAgentRecords(dataDir);
  if (records === null) return { records: 0, ended: 0, survivors: [] };
  const bootId = readText(BOOT_ID)?.trim() || "unknown";
  const idsList = [null, ...records.map((r) => r.ids)];
  const targets: Target[] = leftoverTargets(records, { bootId, processes: await processesSeenAs(idsList) });
  for (const target of targets) {
    try {
      process.kill(target.kind === "group" ? -target.pgid : target.pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  let survivors = survivorsOf(targets, await processesSeenAs(idsList));
  for (const deadline = Date.now() + KILLED_GONE_WITHIN_MS; survivors.length > 0 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    survivors = survivorsOf(targets, await processesSeenAs(idsList));
  }
  rmSync(agentRecordsDirOf(dataDir), { recursive: true, force: true });
  return { records: records.length, ended: groupsOf(targets), survivors };
}
