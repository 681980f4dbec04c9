// The VM's runs: a user's conversations run side by side, each in a process of its own (never two
// on one session), taken up by a warm process of its session, by a spare for a new session
// (spare-agents.ts) or started within the memory budget (agent-pool.ts, agent-start.ts); mid-run
// input, cancel, time limits, workspace locks and the shutdown.
import { NEW_USER_RUN_OPTIONS } from "../../../src/protocol/vm/agent-instructions";
import type { InputMessage, StartRunRequest, VmRunEvent } from "../../../src/protocol/vm/runs";
import { writeTurn, type AgentProcess } from "./agent-process";
import { createAgentPool } from "./agent-pool";
import { createAgentStarter } from "./agent-start";
import { createSpareAgents, type CutRun } from "./spare-agents";
import { createSpareRecords } from "./spare-records";
import type { ManagerDeps } from "./manager-deps";
import { runCheckpoints, SHUTDOWN_CHECKPOINT_MS, wait } from "./run-checkpoints";
import { keepWarmAfter, optionsFingerprint, permissionModeOf, SESSION_ID, turnsOf } from "../core/cli-command";
import { observationOf, secretsOf } from "../core/config-problem";
import { isOfflineModel } from "../core/credential-proxy";
import { gitIdentityEnv } from "../core/git-credentials";
import type { Run, RunView } from "../core/run-handle";
import { createRun, loggedRunView } from "./run";
import { withAttachments } from "../files/inbox";
import { createTurnQueue, type TurnQueue } from "./turn-queue";
import { readdirSync } from "node:fs";
import { ensureUserDirs, ownKeyOf, resolveInside, userPathsOf, userPathsOfKey, workspaceDirOf, type UserPaths } from "../users/user-paths";
import { bindNewUser, readySlot, slotsOf, slotTemplate } from "../users/user-slots";
import { isUserKey } from "../core/user-keys";
import type { Served } from "../core/user-slots";

export type StartOutcome = { kind: "run"; run: RunView } | { kind: "user_mismatch" } | { kind: "shutting_down" };

/** Finished runs stay in memory this long for reconnects, then are read from their log. */
const FINISHED_IN_MEMORY_MS = 10 * 60_000;
/** The longest a new session waits for the spare being started for it: a CLI's start, with room for a loaded machine. */
const SPARE_WAIT_MS = 5_000;

export function createRunManager(deps: ManagerDeps) {
  const { config, log } = deps;
  const runs = new Map<string, Run>();
  /** Every live run, of every user; a user's several conversations each have one. */
  const liveRuns = new Set<Run>();
  /** The session each live run writes (null: a new one): two processes must never write one. */
  const sessionOf = new Map<Run, string | null>();
  /** Each live run's user id and workspace id, as the relay named them (a preview's conversation). */
  const conversationOfRun = new Map<string, { userId: string; workspace: string }>();
  const liveOf = (userKey: string): Run[] => [...liveRuns].filter((r) => r.userKey === userKey);
  /** Workspace directories being cloned into or deleted: no run may start there meanwhile. */
  const lockedDirs = new Set<string>();
  /** Each live run's turns, written in order once its process is there and their attachments are saved. */
  const queues = new Map<string, TurnQueue>();
  /** The approval timeout of each live run that asks for approvals. */
  const approvalTimeouts = new Map<string, number>();
  /** The live runs whose input is someone else's text (options.approvals.untrusted). */
  const untrustedRuns = new Set<string>();
  const secrets = [...secretsOf(config.vmToken, config.cliEnv), ...(deps.secrets ?? [])];
  const offlineModel = isOfflineModel(config.cliEnv);
  let shuttingDown = false;
  const pool = createAgentPool({ config, awake: deps.awake, ...(deps.records ? { records: deps.records } : {}), ...(deps.memory ? { memory: deps.memory } : {}), shuttingDown: () => shuttingDown });
  const { newAgent, settingsPathOf } = createAgentStarter(deps, pool, secrets, (runId) => approvalTimeouts.has(runId));
  const records = createSpareRecords(config.dataDir);
  let shared = false;
  const userTreesOnDisk = (): string[] => {
    try {
      return readdirSync(resolveInside(config.dataDir, "users"), { withFileTypes: true }).filter((entry) => entry.isDirectory() && isUserKey(entry.name)).map((entry) => entry.name);
    } catch {
      return [];
    }
  };
  /**
   * Whom the VM has served, by the users' trees on disk (the ready slot's is nobody's yet): several
   * (a shared VM, for good once seen), one (perhaps their own per-user Machine), or nobody yet.
   */
  const served = (): Served => {
    if (shared) return "several";
    const slots = slotsOf(config.dataDir);
    const trees = userTreesOnDisk().filter((key) => key !== slots.ready).length;
    if ((shared = trees >= 2)) return "several";
    return trees === 0 && Object.keys(slots.bound).length === 0 ? "nobody" : "one";
  };
  const spares = createSpareAgents({
    config,
    pool,
    newAgent,
    settingsPathOf,
    shuttingDown: () => shuttingDown,
    records,
    idsOf: (key) => deps.users.idsOf(key),
    slot: {
      // Two users' trees at least: a shared VM (a per-user Machine holds one). Or nobody served yet:
      // the first user's first message takes the spare, on a shared VM or a new per-user Machine.
      newUserMayCome: () => served() !== "one",
      next: () => userPathsOfKey(config.dataDir, readySlot(config.dataDir)),
      // Before any new user's first run here: the options of the user who ran last, else the relay's
      // defaults for a new user (a relay with others: its first run sets the next slot's).
      options: () => slotTemplate(config.dataDir, records.newest(1)[0]?.request.options ?? NEW_USER_RUN_OPTIONS),
      makeDirs: (paths, ids) => ensureUserDirs(paths, paths.workspace, ids),
      // The HOME's git config as every start writes it; the token argument only says whether the process goes through the proxy.
      writeIdentity: async (ids, home, identity) => deps.prepareHome?.(ids, home, identity, deps.proxy ? "through-the-proxy" : null),
    },
  });

  /** The cut runs' logs as the spares read them: their user's paths, what they were started with, the session their CLI reported. */
  function cutRunFacts(runIds: readonly string[]): CutRun[] {
    return runIds.flatMap((runId) => {
      const logged = log.read(runId);
      if (!logged || !isUserKey(logged.meta.userKey)) return [];
      const sessionSeen = logged.events.findLast((event): event is Extract<VmRunEvent, { type: "session" }> => event.type === "session")?.sessionId ?? null;
      return [{ paths: userPathsOfKey(config.dataDir, logged.meta.userKey), userKey: logged.meta.userKey, request: logged.meta.start ?? null, sessionSeen }];
    });
  }

  function find(runId: string): RunView | null {
    const live = runs.get(runId);
    if (live) return live;
    const logged = log.read(runId);
    return logged ? loggedRunView(runId, logged.meta.userKey, logged.events) : null;
  }

  function attach(agent: AgentProcess, run: Run, request: StartRunRequest, timeLimitMs: number, paths: UserPaths): void {
    pool.take(agent, run);
    const timer = timeLimitMs > 0 ? setTimeout(() => cancelWith(run, "time_limit", `the run exceeded its time limit of ${timeLimitMs} ms`), timeLimitMs) : null;
    run.onFinished(() => {
      if (timer) clearTimeout(timer);
      pool.afterRun(agent, run, keepWarmAfter(request.options));
      // The user's next new session here starts at once: a spare, now that this run is done with the
      // cores; then the next new user's, in a slot (after a user took the last one, or its spare ended).
      spares
        .startAfter(paths, deps.users.idsOf(paths.key), run.cwd, request)
        .catch((error: unknown) => console.warn(`vm: a spare agent for ${paths.key} did not start: ${String(error)}`))
        .then(() => spares.startSlot())
        .catch((error: unknown) => console.warn(`vm: the spare for the next new user did not start: ${String(error)}`));
    });
    const { onTiming } = deps;
    queues.get(run.id)?.attach((uuid, text) => {
      writeTurn(agent, uuid, text);
      onTiming?.(run.id, "written", performance.now());
    });
  }

  async function launch(run: Run, request: StartRunRequest, paths: UserPaths, turns: TurnQueue, dirs: Promise<void>): Promise<void> {
    const ids = deps.users.idsOf(paths.key);
    // Registered before any input of this run can arrive; attachments start downloading while the process starts.
    for (const turn of turnsOf(request.messages)) turns.add(turn, true);
    await dirs;
    const limits = [request.options.timeLimitMs, config.runTimeLimitMs].filter((n): n is number => !!n && n > 0);
    const timeLimitMs = limits.length > 0 ? Math.min(...limits) : 0;
    const mine = pool.idleOf(paths.key);
    // A warm process belongs to one workspace and one session: the conversation's next run takes it up.
    const warm = mine.find(
      (current) =>
        !current.stopping && !current.retired && current.cli.isAlive() && request.sessionId !== null &&
        current.cwd === run.cwd && current.sessionId === request.sessionId &&
        current.fingerprint === optionsFingerprint(request.options, gitIdentityEnv(request.gitIdentity)),
    );
    if (warm) return attach(warm, run, request, timeLimitMs, paths);
    // A new session right behind the spare meant for it (a message just after /new), or the
    // restart of a cut run right behind the CLI started ahead on its session: the spare is most of
    // the way up, so waiting for it is sooner than a CLI of its own, and costs no second start on
    // the same cores. Bounded: a spare that does not come up in time is not waited for.
    const pending = spares.startingIn(paths.key, run.cwd, request.sessionId);
    if (pending) await Promise.race([pending, wait(SPARE_WAIT_MS, undefined)]);
    // Not waited for longer: it must not come up beside this run's own CLI on the same session.
    if (request.sessionId !== null) spares.claim(paths.key, request.sessionId);
    // A spare of this user, workspace and options takes it (checked before handover): one for a new
    // session, or the one started ahead on the session this run resumes.
    const spare = spares.forRun(paths, ids, run.cwd, request);
    // Any other idle one of this workspace (another session of it) or of this session is replaced;
    // other conversations' processes stay warm, within the memory budget below.
    for (const current of mine.filter((a) => a !== spare && (a.cwd === run.cwd || (request.sessionId !== null && a.sessionId === request.sessionId)))) {
      // One that is already ending (stdin closed, or signalled) is left to finish its writes.
      const stopping = current.stopping ? current.cli.exited : pool.stop(current);
      // Two processes must never write the same session: wait for the old one to be gone.
      if (request.sessionId !== null && current.sessionId === request.sessionId) await stopping;
    }
    const handed = spare !== null && (await spares.handOver(spare, ids, request));
    if (run.admits("input").kind === "refuse") return;
    if (spare && handed && spare.cli.isAlive() && !spare.stopping) {
      deps.onTiming?.(run.id, "spare_taken", performance.now());
      return attach(spare, run, request, timeLimitMs, paths);
    }
    // The Machine's memory: idle warm processes (any user's, oldest first) make way, or the run is refused by name.
    const admission = await pool.admit();
    if (admission.kind === "refuse") {
      console.error(`vm: run ${run.id}: refused: ${admission.reason}`);
      run.failNow("busy", admission.reason);
      return;
    }
    const agent = await newAgent(paths, ids, { cwd: run.cwd, options: request.options, sessionId: request.sessionId, gitIdentity: request.gitIdentity }, () => run.admits("input").kind !== "refuse");
    if (!agent) return;
    deps.onTiming?.(run.id, "spawned", agent.cli.spawnedAt);
    attach(agent, run, request, timeLimitMs, paths);
  }

  function cancelWith(run: Run, code: "cancelled" | "time_limit" | "vm_restarted", message: string): Promise<unknown> {
    // An ending run has its answers: what is left is recording its change, which a stop would lose.
    if (run.admits("cancel").kind !== "accept") return Promise.resolve();
    run.stopRequest ??= { code, message };
    const agent = pool.agentOf(run);
    if (agent) return pool.stop(agent);
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
    /** The user id and workspace id of a live run, or null. */
    conversationOf: (runId: string): { userId: string; workspace: string } | null => conversationOfRun.get(runId) ?? null,
    /**
     * As the VM starts (after listen, never awaited by it): a CLI resuming the session of each run
     * the last process left live (`cut`: their ids, closed at boot), which the relay restarts, then
     * the slot's spare for the next new user, then the spares of the users who ran last.
     */
    startSparesAtBoot: (cut: readonly string[] = []): Promise<void> => spares.startAtBoot(cutRunFacts(cut)).catch((error: unknown) => console.warn(`vm: the spares at start did not start: ${String(error)}`)),
    /** The id of the user's live run in that workspace directory, if one is. */
    liveRunIn: (userKey: string, dir: string): string | null => liveOf(userKey).find((r) => r.cwd === dir)?.id ?? null,

    start(request: StartRunRequest, receivedAt: number): StartOutcome {
      if (shuttingDown) return { kind: "shutting_down" };
      const existing = find(request.runId);
      // A user new to the VM takes the slot made ahead (its spare with it) before anything of theirs is named.
      // On a VM that has served nobody, a first user with other options keeps their own key, and the slot's spare (the relay's defaults) goes: theirs replace them.
      if (!existing && bindNewUser(config.dataDir, ownKeyOf(config.dataDir, request.userId), request.options, served) === "replaced") {
        spares.dropSlot().catch((error: unknown) => console.warn(`vm: the spare for the next new user did not stop: ${String(error)}`));
      }
      const paths = userPathsOf(config.dataDir, request.userId);
      if (existing) return existing.userKey === paths.key ? { kind: "run", run: existing } : { kind: "user_mismatch" };
      deps.onTiming?.(request.runId, "received", receivedAt);
      const { workspace, sessionId, options, gitIdentity } = request;
      log.create({ runId: request.runId, userKey: paths.key, userId: request.userId, createdAt: Date.now(), start: { workspace, sessionId, options, ...(gitIdentity ? { gitIdentity } : {}) } });
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
      const { checkpointBefore, changeAtEnd } = runCheckpoints({
        checkpoints,
        dirs,
        userKey: paths.key,
        workspace: request.workspace,
        runId: request.runId,
        onTiming: deps.onTiming,
        shuttingDown: () => shuttingDown,
      });
      const run = createRun(request.runId, paths.key, cwd, log, { checkpointBefore, ...(changeAtEnd ? { changeAtEnd } : {}), secrets, offlineModel });
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
        conversationOfRun.set(run.id, { userId: request.userId, workspace: request.workspace });
        run.onFinished(() => {
          liveRuns.delete(run);
          sessionOf.delete(run);
          conversationOfRun.delete(run.id);
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
      await pool.stopIn(userKey, dir);
      return () => void lockedDirs.delete(dir);
    },

    /**
     * The processes of a workspace whose settings changed under them (forgotten rules they hold
     * for their session): idle ones stop now, a live one exits after its run instead of staying warm.
     */
    retireProcessesIn: (userKey: string, dir: string): Promise<void> => pool.retireIn(userKey, dir),

    /** A workspace made for a new conversation: a spare waits there for its first message (spare-agents.ts), started after the answer. */
    spareIn(paths: UserPaths, dir: string): void {
      spares.startIn(paths, dir).catch((error: unknown) => console.warn(`vm: a spare agent for ${paths.key} did not start: ${String(error)}`));
    },

    /** The latest awake time (`awake.now()`) a deep-mode warm process holds the VM up until (0: none). */
    heldUntil: (): number => pool.heldUntil(),

    /** Idle exit: end warm processes (there is no live run, or we would not be idle). */
    stopWarm: (): Promise<void> => pool.stopWarm(),

    /** SIGTERM: live runs end with `vm_restarted`, every process is stopped, events are on disk. */
    async shutdown(): Promise<void> {
      shuttingDown = true;
      const live = [...runs.values()].filter((run) => !run.isFinished());
      await Promise.all([
        ...live.map((run) => cancelWith(run, "vm_restarted", "the VM stopped while the run was live")),
        ...pool.stopAll(),
      ]);
      // Their terminal events wait for the checkpoint after them (bounded above): on disk before the server goes.
      const ended = Promise.all(live.map((run) => new Promise<void>((resolve) => run.onFinished(resolve))));
      await Promise.race([ended, wait(SHUTDOWN_CHECKPOINT_MS + 1_000, undefined)]);
    },
  };
}

export type RunManager = ReturnType<typeof createRunManager>;
