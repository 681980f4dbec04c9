// The VM's runs and CLI processes: a user's conversations run side by side, each in a process of
// its own (never two on one session), warm reuse of a session's process within the Machine's
// memory budget (core/process-budget.ts), mid-run input, cancel, time limits and the shutdown.
import type { GitIdentity, InputMessage, StartRunRequest } from "../../../src/protocol/vm-protocol";
import { describeExit, spawnAgent, stopAgent, writeTurn, type AgentProcess } from "./agent-process";
import type { AgentRecords } from "../cli/agent-records";
import type { AgentUsers } from "../users/agent-users";
import type { Checkpoints } from "../checkpoints/checkpoints";
import type { AwakeTime, AwakeTimer } from "../awake-timers";
import type { AgentIds } from "../core/agent-ids";
import type { CliExit } from "../cli/cli-process";
import { needsRelayMcp, optionsFingerprint, permissionModeOf, SESSION_ID, turnsOf } from "../core/cli-command";
import { misconfigurationOf, observationOf, redactSecrets, secretsOf, type ProblemObservation } from "../core/config-problem";
import { gitIdentityEnv } from "../core/git-credentials";
import type { RunInput } from "../core/run-tracker";
import type { VmConfig } from "../config";
import { offerRelayTools, type McpCommand } from "../relay-tools/relay-mcp-config";
import type { RunLog } from "./run-log";
import { createRun, loggedRunView, type Run, type RunView } from "./run";
import type { CredentialProxy } from "../credentials/credential-proxy";
import type { ToolBridge } from "../relay-tools/tool-bridge";
import { withAttachments } from "../files/inbox";
import { createTurnQueue, type TurnQueue } from "./turn-queue";
import { totalmem, freemem } from "node:os";
import { admitProcess } from "../core/process-budget";
import { ensureUserDirs, userPathsOf, workspaceDirOf, type UserPaths } from "../users/user-paths";

export type TimingMark = "received" | "spawned" | "checkpoint_started" | "result_line";
export type ManagerDeps = {
  config: VmConfig;
  log: RunLog;
  /** A run ended or a process was stopped: counts as activity for the idle monitor. */
  touch: () => void;
  /** The awake time warm processes wait on, so a suspended Machine resumes with them still warm. */
  awake: Pick<AwakeTime, "now" | "after">;
  onTiming?: (runId: string, mark: TimingMark, at: number) => void;
  tools: ToolBridge;
  /** Where the relay's MCP server reaches this server on loopback (known once it listens). */
  vmUrl: () => string;
  /** What each finished run says about the VM's configuration (for /health and the log). */
  observe?: (seen: ProblemObservation) => void;
  /** Who each user's agent runs as. */
  users: Pick<AgentUsers, "idsOf">;
  /** Where each agent process group is recorded while it lives (agent-records.ts). */
  records?: Pick<AgentRecords, "add" | "release" | "runEnded">;
  /** How agents start the relay tools' MCP server, when not as relay-mcp-config.ts says (relay-mcp-install.ts). */
  relayMcpCommand?: McpCommand;
  /** Writes the user's git config and gh's files (as that user) before an agent process starts; `proxyToken`: the process's own. */
  prepareHome?: (ids: AgentIds | null, home: string, identity: GitIdentity | undefined, proxyToken: string | null) => Promise<void>;
  /**
   * The credential proxy (credential-proxy.ts): each agent process gets a token of its own,
   * admitted while the process serves a live run, in place of the VM's secrets. Without it the
   * pass-through variables go to the CLI as they are (tests of the CLI's own behaviour).
   */
  proxy?: Pick<CredentialProxy, "grant" | "agentEnv" | "resultText">;
  /** Extra values no message may carry (the operator's git credentials). */
  secrets?: readonly string[];
  /** The user's "always" rules of a workspace as the CLI's `--settings` file (approval-rules.ts); none without. */
  rulesFileOf?: (userKey: string, cwd: string) => string | null;
  /**
   * The workspace's files recorded before each run (its process starts after) and after it (its
   * terminal event carries what changed): checkpoints.ts. Without it, runs record nothing.
   */
  checkpoints?: Pick<Checkpoints, "before" | "after">;
  /** The Machine's memory in MB (tests set it); default the kernel's total and available. */
  memory?: () => { totalMb: number; freeMb: number };
};

const MB = 1024 * 1024;
const kernelMemory = () => ({ totalMb: totalmem() / MB, freeMb: freemem() / MB });

export type StartOutcome = { kind: "run"; run: RunView } | { kind: "user_mismatch" } | { kind: "shutting_down" };

/** At SIGTERM, how long a run's terminal event waits for the checkpoint after it. */
const SHUTDOWN_CHECKPOINT_MS = 3_000;
const wait = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());

/** Finished runs stay in memory this long for reconnects, then are read from their log. */
const FINISHED_IN_MEMORY_MS = 10 * 60_000;

export function createRunManager(deps: ManagerDeps) {
  const { config, log } = deps;
  const runs = new Map<string, Run>();
  /** Every live run, of every user; a user's several conversations each have one. */
  const liveRuns = new Set<Run>();
  /** The session each live run writes (null: a new one): two processes must never write one. */
  const sessionOf = new Map<Run, string | null>();
  const liveOf = (userKey: string): Run[] => [...liveRuns].filter((r) => r.userKey === userKey);
  /** The processes that may take a run: running one, or warm (oldest first); a stopping one is not here. */
  const agents = new Set<AgentProcess>();
  /** Every agent process until it has exited, including those being stopped. */
  const alive = new Set<AgentProcess>();
  /** Workspace directories being cloned into or deleted: no run may start there meanwhile. */
  const lockedDirs = new Set<string>();
  /** Each live run's turns, written in order once its process is there and their attachments are saved. */
  const queues = new Map<string, TurnQueue>();
  /** The approval timeout of each live run that asks for approvals. */
  const approvalTimeouts = new Map<string, number>();
  /** The live runs whose input is someone else's text (options.approvals.untrusted). */
  const untrustedRuns = new Set<string>();
  /** Each warm process's end, in awake time (agent-process.ts's `warmTimer` is a wall-time timeout, left null). */
  const warmTimers = new Map<AgentProcess, AwakeTimer>();
  const secrets = [...secretsOf(config.vmToken, config.cliEnv), ...(deps.secrets ?? [])];
  let shuttingDown = false;

  function find(runId: string): RunView | null {
    const live = runs.get(runId);
    if (live) return live;
    const logged = log.read(runId);
    return logged ? loggedRunView(runId, logged.meta.userKey, logged.events) : null;
  }

  function agentOf(run: Run): AgentProcess | null {
    return [...agents].find((agent) => agent.run === run) ?? null;
  }

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
    if (shuttingDown || warmMs === 0) {
      // Stdin closed: the CLI exits by itself; it can take no new run in the meantime.
      agent.stopping = true;
      agent.cli.endInput();
      setTimeout(() => agent.cli.isAlive() && void stop(agent), config.stopGraceMs).unref();
      return;
    }
    agent.holdUntil = keepWarmMs === undefined ? 0 : deps.awake.now() + warmMs;
    warmTimers.set(agent, deps.awake.after(warmMs, () => void stop(agent)));
  }

  /** Null: the run ended while the process's files were being written (nothing is started). */
  async function newAgent(paths: UserPaths, ids: AgentIds | null, run: Run, request: StartRunRequest): Promise<AgentProcess | null> {
    const cwd = run.cwd;
    let self: AgentProcess | null = null;
    // The secret speaks for this process's current run only, so a call never reaches another run.
    const { options } = request;
    const offering = needsRelayMcp(options)
      ? offerRelayTools(deps.tools, {
          tmpDir: paths.tmp,
          ids,
          vmUrl: deps.vmUrl(),
          timeoutMs: config.toolCallTimeoutMs,
          schedules: options.scheduleTools,
          approvalTimeoutMs: options.approvals?.timeoutMs ?? null,
          currentRun: () => self?.run ?? null,
          command: deps.relayMcpCommand,
        })
      : null;
    // The process's stand-in for the VM's secrets: good only while its current run takes model
    // requests (run-phase.ts); the model's answers wait for that run's checkpoint before it.
    const modelAdmission = () => self?.run?.admits("model_request") ?? ({ kind: "refuse" } as const);
    const proxyGrant =
      deps.proxy?.grant(
        () => modelAdmission().kind !== "refuse",
        () => (modelAdmission().kind === "hold" ? (self?.run?.checkpointed() ?? null) : null),
      ) ?? null;
    // Both written as the user, by children of its uid, side by side.
    const [tools] = await Promise.all([offering, deps.prepareHome?.(ids, paths.home, request.gitIdentity, proxyGrant?.token ?? null)]).catch(async (error: unknown) => {
      (await offering?.catch(() => null))?.release();
      proxyGrant?.revoke();
      throw error;
    });
    if (run.admits("input").kind === "refuse") {
      tools?.release();
      proxyGrant?.revoke();
      return null;
    }
    const agent = spawnAgent({
      bin: config.claudeBin,
      paths,
      ids,
      cwd,
      runEnv: gitIdentityEnv(request.gitIdentity),
      options: request.options,
      sessionId: request.sessionId,
      mcpConfigPath: tools?.mcpConfigPath ?? null,
      // A run of someone else's text gets none of the user's "always" rules.
      settingsPath: request.options.approvals?.untrusted ? null : (deps.rulesFileOf?.(paths.key, cwd) ?? null),
      passThrough: proxyGrant && deps.proxy ? deps.proxy.agentEnv(proxyGrant.token) : config.cliEnv,
      ...(proxyGrant && deps.proxy ? { resultText: deps.proxy.resultText } : {}),
      maxLineBytes: config.maxLineBytes,
      stopGraceMs: config.stopGraceMs,
      onResultLine: (runId, at) => deps.onTiming?.(runId, "result_line", at),
    });
    self = agent;
    alive.add(agent);
    deps.records?.add(agent.cli.pid, ids);
    void agent.cli.exited.then((exit) => {
      alive.delete(agent);
      endWarm(agent);
      deps.records?.release(agent.cli.pid);
      tools?.release();
      proxyGrant?.revoke();
      agents.delete(agent);
      const run = agent.run;
      agent.run = null;
      if (run) run.feed(exitInput(run, exit));
      deps.touch();
    });
    return agent;
  }

  /** Why the run's CLI ended: the VM's stop, the VM's configuration, or a crash. */
  function exitInput(run: Run, exit: CliExit): RunInput {
    if (run.stopRequest) return { type: "exited", stopCode: run.stopRequest.code, message: run.stopRequest.message };
    const problem = misconfigurationOf({ bin: config.claudeBin, ...exit });
    if (problem) return { type: "exited", stopCode: "misconfigured", message: redactSecrets(problem.message, secrets), reason: problem.reason };
    return { type: "exited", stopCode: null, message: redactSecrets(describeExit(exit), secrets) };
  }

  function attach(agent: AgentProcess, run: Run, request: StartRunRequest, timeLimitMs: number): void {
    endWarm(agent);
    agent.run = run;
    agents.add(agent);
    const timer = timeLimitMs > 0 ? setTimeout(() => cancelWith(run, "time_limit", `the run exceeded its time limit of ${timeLimitMs} ms`), timeLimitMs) : null;
    run.onFinished(() => {
      if (timer) clearTimeout(timer);
      afterRun(agent, run, request.options.keepWarmMs);
    });
    queues.get(run.id)?.attach((uuid, text) => writeTurn(agent, uuid, text));
  }

  async function launch(run: Run, request: StartRunRequest, paths: UserPaths, turns: TurnQueue, dirs: Promise<void>): Promise<void> {
    const ids = deps.users.idsOf(paths.key);
    // Registered before any input of this run can arrive; attachments start downloading while the process starts.
    for (const turn of turnsOf(request.messages)) turns.add(turn, true);
    await dirs;
    const limits = [request.options.timeLimitMs, config.runTimeLimitMs].filter((n): n is number => !!n && n > 0);
    const timeLimitMs = limits.length > 0 ? Math.min(...limits) : 0;
    const mine = [...agents].filter((agent) => agent.userKey === paths.key && !agent.run);
    // A warm process belongs to one workspace and one session: the conversation's next run takes it up.
    const warm = mine.find(
      (current) =>
        !current.stopping && !current.retired && current.cli.isAlive() && request.sessionId !== null &&
        current.cwd === run.cwd && current.sessionId === request.sessionId &&
        current.fingerprint === optionsFingerprint(request.options, gitIdentityEnv(request.gitIdentity)),
    );
    if (warm) return attach(warm, run, request, timeLimitMs);
    // Any other idle one of this workspace (another session of it) or of this session is replaced;
    // other conversations' processes stay warm, within the memory budget below.
    for (const current of mine.filter((a) => a.cwd === run.cwd || (request.sessionId !== null && a.sessionId === request.sessionId))) {
      // One that is already ending (stdin closed, or signalled) is left to finish its writes.
      const stopping = current.stopping ? current.cli.exited : stop(current);
      // Two processes must never write the same session: wait for the old one to be gone.
      if (request.sessionId !== null && current.sessionId === request.sessionId) await stopping;
    }
    if (run.admits("input").kind === "refuse") return;
    // The Machine's memory: idle warm processes (any user's, oldest first) make way, or the run is refused by name.
    const idle = [...agents].filter((a) => !a.run);
    const admission = admitProcess({ alive: alive.size, idle: idle.length, ...(deps.memory ?? kernelMemory)() });
    if (admission.kind === "refuse") {
      console.error(`vm: run ${run.id}: refused: ${admission.reason}`);
      run.failNow("busy", admission.reason);
      return;
    }
    if (admission.kind === "evict") await Promise.all(idle.slice(0, admission.count).map(stop));
    const agent = await newAgent(paths, ids, run, request);
    if (!agent) return;
    deps.onTiming?.(run.id, "spawned", agent.cli.spawnedAt);
    attach(agent, run, request, timeLimitMs);
  }

  function cancelWith(run: Run, code: "cancelled" | "time_limit" | "vm_restarted", message: string): Promise<unknown> {
    // An ending run has its answers: what is left is recording its change, which a stop would lose.
    if (run.admits("cancel").kind !== "accept") return Promise.resolve();
    run.stopRequest ??= { code, message };
    const agent = agentOf(run);
    if (agent) return stop(agent);
    // Still waiting for its process: end it here, the launch sees it finished.
    run.failNow(code, message);
    return Promise.resolve();
  }

  return {
    find,
    /** How long an approval of this live run may wait; null when the run does not ask for approvals. */
    approvalTimeoutOf: (runId: string): number | null => approvalTimeouts.get(runId) ?? null,
    /** Whether this live run's input is someone else's text: no answer of it may remember a rule. */
    untrusted: (runId: string): boolean => untrustedRuns.has(runId),
    liveRunCount: () => liveRuns.size,
    /** The id of the user's live run in that workspace directory, if one is. */
    liveRunIn: (userKey: string, dir: string): string | null => liveOf(userKey).find((r) => r.cwd === dir)?.id ?? null,

    start(request: StartRunRequest, receivedAt: number): StartOutcome {
      if (shuttingDown) return { kind: "shutting_down" };
      const paths = userPathsOf(config.dataDir, request.userId);
      const existing = find(request.runId);
      if (existing) return existing.userKey === paths.key ? { kind: "run", run: existing } : { kind: "user_mismatch" };
      deps.onTiming?.(request.runId, "received", receivedAt);
      log.create({ runId: request.runId, userKey: paths.key, createdAt: Date.now() });
      const { checkpoints } = deps;
      const cwd = workspaceDirOf(paths, request.workspace);
      const onSession = request.sessionId === null ? undefined : liveOf(paths.key).find((r) => sessionOf.get(r) === request.sessionId);
      const refusal = onSession
        ? `a live run of this user is on that session (${onSession.id})`
        : lockedDirs.has(cwd)
          ? `workspace ${request.workspace} is being cloned into or deleted`
          : request.sessionId !== null && !SESSION_ID.test(request.sessionId)
            ? "not a Claude Code session id"
            : null;
      // Made (as the user, in a child) before the process starts and before any attachment is saved there.
      const dirs = refusal ? null : ensureUserDirs(paths, cwd, deps.users.idsOf(paths.key));
      /**
       * The checkpoint before the run, off the path to the model: it starts when the run's process
       * first asks the model (through the credential proxy, which holds the answers until it is
       * recorded: the run is `starting`), so its git work does not slow the process on its way to
       * that request, and runs while the model thinks. Without the proxy nothing would hold the
       * answers, so it starts at once. A run that never asked the model has it taken at its end.
       */
      let before: Promise<boolean> | null = null;
      const recordBefore = async (): Promise<boolean> => {
        try {
          await dirs;
          deps.onTiming?.(request.runId, "checkpoint_started", performance.now());
          await checkpoints?.before(paths.key, request.workspace, request.runId);
          return true;
        } catch (error) {
          // The run goes on without one: it cannot be undone, and says no change.
          console.error(`vm: run ${request.runId}: no checkpoint before it: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        }
      };
      const checkpointBefore = checkpoints && dirs ? () => (before ??= recordBefore()) : null;
      const changeAtEnd = checkpoints
        ? async () => {
            if (!checkpointBefore || !(await checkpointBefore())) return null;
            const change = checkpoints.after(paths.key, request.workspace, request.runId);
            // SIGTERM: the terminal event is written before the VM goes, with or without its change.
            return shuttingDown ? Promise.race([change, wait(SHUTDOWN_CHECKPOINT_MS, null)]) : change;
          }
        : undefined;
      const run = createRun(request.runId, paths.key, cwd, log, { checkpointBefore, ...(changeAtEnd ? { changeAtEnd } : {}), secrets });
      if (checkpointBefore && !deps.proxy) void run.checkpointed();
      runs.set(run.id, run);
      if (request.options.approvals) approvalTimeouts.set(run.id, request.options.approvals.timeoutMs);
      if (request.options.approvals?.untrusted) untrustedRuns.add(run.id);
      run.onFinished(() => {
        approvalTimeouts.delete(run.id);
        untrustedRuns.delete(run.id);
        setTimeout(() => runs.get(run.id) === run && runs.delete(run.id), FINISHED_IN_MEMORY_MS).unref();
        const seen = observationOf(run.eventsAfter(0), permissionModeOf(request.options));
        if (seen) deps.observe?.(seen);
        deps.touch();
      });
      if (!dirs) {
        run.failNow(refusal?.startsWith("not a Claude") ? "unknown_session" : "busy", refusal ?? "refused");
      } else {
        liveRuns.add(run);
        sessionOf.set(run, request.sessionId);
        run.onFinished(() => {
          liveRuns.delete(run);
          sessionOf.delete(run);
        });
        const turns = createTurnQueue(run, (message, signal) =>
          dirs.then(
            () => withAttachments(message, { ids: deps.users.idsOf(paths.key), projectDir: run.cwd, now: Date.now, timeoutMs: config.mediaTimeoutMs, signal }),
            // The run fails (the launch says why); its messages go on as they are.
            () => message,
          ),
        );
        queues.set(run.id, turns);
        run.onFinished(() => queues.delete(run.id));
        launch(run, request, paths, turns, dirs).catch((error: unknown) => run.failNow("cli_crashed", `could not start the run: ${String(error)}`));
      }
      return { kind: "run", run };
    },

    input(runId: string, messages: InputMessage[]): "accepted" | "unknown_run" | "run_finished" {
      const run = runs.get(runId);
      if (!run) return find(runId) ? "run_finished" : "unknown_run";
      const turns = queues.get(runId);
      // At the run's end (its answers out, its change being recorded) a follow-up goes into the next run.
      if (run.admits("input").kind === "refuse" || !turns) return "run_finished";
      turns.add(messages);
      return "accepted";
    },

    cancel(runId: string): "accepted" | "unknown_run" {
      const run = runs.get(runId);
      if (!run) return find(runId) ? "accepted" : "unknown_run";
      void cancelWith(run, "cancelled", "cancelled through /cancel");
      return "accepted";
    },

    /**
     * Reserves a workspace directory for a clone or a delete: null while a run of that user is
     * live there or it is already reserved. Stops the processes still working in it (warm, or
     * ending) first. Runs that start there meanwhile end with `busy`. Call the result to release.
     */
    async lockWorkspace(userKey: string, dir: string): Promise<(() => void) | null> {
      const live = liveOf(userKey).find((r) => r.cwd === dir);
      if (live) {
        // A run whose answers are out is only recording its change: the user holds its reply, so
        // an /undo right after it waits that moment instead of being refused.
        if (live.admits("undo").kind !== "after_end") return null;
        await new Promise<void>((resolve) => live.onFinished(resolve));
        if (liveOf(userKey).some((r) => r.cwd === dir)) return null;
      }
      if (lockedDirs.has(dir)) return null;
      lockedDirs.add(dir);
      const inDir = [...alive].filter((agent) => agent.userKey === userKey && agent.cwd === dir);
      await Promise.all(inDir.map(stop));
      return () => void lockedDirs.delete(dir);
    },

    /**
     * The processes of a workspace whose settings changed under them (forgotten rules they hold
     * for their session): idle ones stop now, a live one exits after its run instead of staying warm.
     */
    async retireProcessesIn(userKey: string, dir: string): Promise<void> {
      const inDir = [...alive].filter((agent) => agent.userKey === userKey && agent.cwd === dir);
      for (const agent of inDir) agent.retired = true;
      await Promise.all(inDir.filter((agent) => !agent.run).map(stop));
    },

    /** The latest awake time (`awake.now()`) a deep-mode warm process holds the VM up until (0: none). */
    heldUntil(): number {
      return Math.max(0, ...[...alive].filter((a) => !a.run && !a.stopping).map((a) => a.holdUntil));
    },

    /** Idle exit: end warm processes (there is no live run, or we would not be idle). */
    async stopWarm(): Promise<void> {
      await Promise.all([...agents].filter((a) => !a.run).map(stop));
    },

    /** SIGTERM: live runs end with `vm_restarted`, every process is stopped, events are on disk. */
    async shutdown(): Promise<void> {
      shuttingDown = true;
      const live = [...runs.values()].filter((run) => !run.isFinished());
      await Promise.all([
        ...live.map((run) => cancelWith(run, "vm_restarted", "the VM stopped while the run was live")),
        ...[...agents].map(stop),
      ]);
      // Their terminal events wait for the checkpoint after them (bounded above): on disk before the server goes.
      const ended = Promise.all(live.map((run) => new Promise<void>((resolve) => run.onFinished(resolve))));
      await Promise.race([ended, wait(SHUTDOWN_CHECKPOINT_MS + 1_000, undefined)]);
    },
  };
}

export type RunManager = ReturnType<typeof createRunManager>;
