// Spare agent processes: after a user's run, a CLI is started ahead in that run's workspace for the
// user's next new session there (/new, /clear), with the relay's tools ready; a run that starts a
// new session takes it instead of waiting for a CLI to start, and the next spare starts after that
// run. The decisions (handover check, when one is wanted) are core/spare-agent.ts; memory and
// lifetime are the pool's (agent-pool.ts). No run is known when a spare starts: its environment
// holds nothing of one, and the run reaches it only through `agent.run` once taken. At the VM's
// start, a spare may also resume a session: that of a run the last process left live, which the
// relay restarts on that session (its CLI's start with `--resume` is then done ahead of it).
import { lstatSync } from "node:fs";
import type { GitIdentity, RunOptions, StartRunRequest } from "../../../src/protocol/vm/runs";
import type { VmConfig } from "../config";
import type { AgentIds } from "../core/agent-ids";
import { optionsFingerprint } from "../core/cli-command";
import { gitIdentityEnv } from "../core/git-credentials";
import { type CutRunFacts, resumeSparesOf, type SpareFacts, spareRefusal, spareWanted } from "../core/spare-agent";
import { type UserPaths, workspaceDirOf } from "../users/user-paths";
import type { AgentPool } from "./agent-pool";
import type { AgentProcess } from "./agent-process";
import type { AgentSpec } from "./agent-start";
import type { SpareRecords } from "./spare-records";

export type SpareDeps = {
  config: Pick<VmConfig, "spareAgents" | "warmSessionMs" | "idleTimeoutMs">;
  pool: Pick<AgentPool, "addSpare" | "spares" | "headroom" | "stop">;
  newAgent: (paths: UserPaths, ids: AgentIds | null, spec: AgentSpec, wanted: () => boolean) => Promise<AgentProcess | null>;
  settingsPathOf: (userKey: string, cwd: string, options: StartRunRequest["options"]) => string | null;
  shuttingDown: () => boolean;
  /** Each user's last run's options on DATA_DIR, so their spare starts with the VM (absent: in memory only). */
  records?: Pick<SpareRecords, "save" | "newest">;
  idsOf?: (userKey: string) => AgentIds | null;
  /** The slot made ahead for the next new user (users/user-slots.ts); absent: none. */
  slot?: SlotDeps;
};

export type SlotDeps = {
  /**
   * A new user may still come: the VM serves several users, or nobody yet (a fresh VM or a new
   * per-user Machine, whose first message takes the slot's spare). A per-user Machine that serves
   * its one user makes no slot: its next new user never comes.
   */
  newUserMayCome: () => boolean;
  /** The ready slot's paths (a new slot made when the last was bound). */
  next: () => UserPaths;
  /** The options its spare starts with: the last new user's first run's, else the relay's defaults; null: none to start with. */
  options: () => RunOptions | null;
  /** Its HOME, temp and main workspace, made as its uid. */
  makeDirs: (paths: UserPaths, ids: AgentIds | null) => Promise<void>;
  /** The run's git identity into the HOME's git config: a slot's spare started with none (it was nobody's yet). */
  writeIdentity: (ids: AgentIds | null, home: string, identity: GitIdentity | undefined) => Promise<void>;
};

/** What a spare is started with, of the run after which (or as whose workspace) it starts. */
type SpareRequest = Pick<StartRunRequest, "options" | "gitIdentity">;

/** A run the VM's last process left live, as its log tells it (run-log.ts), with its user's paths. */
export type CutRun = CutRunFacts & {
  paths: UserPaths;
  request: (NonNullable<CutRunFacts["request"]> & Pick<StartRunRequest, "options" | "gitIdentity">) | null;
};

export const factsOf = (agent: AgentProcess): SpareFacts => ({
  userKey: agent.userKey,
  uid: agent.uid,
  cwd: agent.cwd,
  home: agent.home,
  fingerprint: agent.fingerprint,
  settingsPath: agent.settingsPath,
  sessionId: agent.sessionId,
  served: agent.served,
  alive: agent.cli.isAlive(),
  stopping: agent.stopping,
  retired: agent.retired,
});

export function createSpareAgents(deps: SpareDeps) {
  /** Users whose spare is being started, one at a time each: where, and when it is up (or failed). */
  const starting = new Map<string, { cwd: string; done: Promise<void> }>();
  /**
   * Each user's last run's options and git identity: what a new workspace's spare is started with
   * (in memory: after a restart, none until a run). Never the run's messages: a spare holds no text.
   */
  const lastRequest = new Map<string, { ids: AgentIds | null; request: SpareRequest }>();
  /** The CLIs being started with `--resume` at boot, by user and session: when each is up (or failed). */
  const resuming = new Map<string, Promise<void>>();
  /** Sessions a run took up while their CLI was being started ahead: that CLI must not start, or goes. */
  const claimed = new Set<string>();
  const sessionKey = (userKey: string, sessionId: string) => `${userKey} ${sessionId}`;
  /** The user's spares for a new session (one resuming a cut run's session is its restart's, never replaced here). */
  /** The spares started in a slot (nobody's yet, so without a git identity), until a run takes one. */
  const slotSpares = new Set<AgentProcess>();
  /** The slot whose spare is being started (one at a time): where, and when it is up (or failed). */
  let slotStarting: { key: string; cwd: string; done: Promise<void> } | null = null;
  /** Bumped when the slot's options change under its spare (dropSlot): a spare started before is not wanted. */
  let slotOptionsSeen = 0;
  /** The spares SPARE_AGENTS bounds: users' own (the slot's is the one beside them). */
  const usersSpares = () => deps.pool.spares().filter((agent) => !slotSpares.has(agent)).length;
  /** Whether a spare that is nobody's yet (a slot's) or a cut run's may start beside `spares` others now. */
  const roomBeside = (spares: number) =>
    spareWanted({
      limit: deps.config.spareAgents,
      lifetimeMs: deps.config.warmSessionMs,
      spares,
      userSpare: "none",
      shuttingDown: deps.shuttingDown(),
      forked: false,
      untrusted: false,
      admission: deps.pool.headroom(),
    }) !== "none";
  const newSessionSpares = (userKey: string) => deps.pool.spares().filter((agent) => agent.userKey === userKey && agent.sessionId === null);

  async function startAfter(paths: UserPaths, ids: AgentIds | null, cwd: string, request: SpareRequest): Promise<void> {
    const { options } = request;
    lastRequest.set(paths.key, { ids, request: { options, gitIdentity: request.gitIdentity } });
    // Kept for the VM's next start, on a VM that keeps spares: a fork or someone else's text gets no spare after it, none at boot either.
    const keeps = deps.config.spareAgents > 0 && deps.config.warmSessionMs > 0;
    if (keeps && options.forkSession !== true && options.approvals?.untrusted !== true) deps.records?.save(paths, ids, cwd, request).catch((error: unknown) => console.warn(`vm: ${paths.key}'s last run's options were not kept: ${String(error)}`));
    const fingerprint = optionsFingerprint({ ...options, forkSession: false }, gitIdentityEnv(request.gitIdentity));
    const mine = newSessionSpares(paths.key);
    const decision = spareWanted({
      limit: deps.config.spareAgents,
      lifetimeMs: deps.config.warmSessionMs,
      spares: usersSpares() + starting.size,
      userSpare: mine.length === 0 ? "none" : mine.some((agent) => agent.cwd === cwd && agent.fingerprint === fingerprint) ? "here" : "elsewhere",
      shuttingDown: deps.shuttingDown(),
      forked: options.forkSession === true,
      untrusted: options.approvals?.untrusted === true,
      admission: deps.pool.headroom(),
    });
    if (starting.has(paths.key) || decision === "none") return;
    let finished = () => {};
    starting.set(paths.key, { cwd, done: new Promise<void>((resolve) => (finished = resolve)) });
    try {
      // The user is here now: their spare elsewhere makes way, then this one must fit beside every warm process.
      if (decision === "replace") {
        await Promise.all(mine.map((agent) => deps.pool.stop(agent)));
        if (deps.pool.headroom().kind !== "spawn") return;
      }
      // A new session, so no fork: what the run's next /new in this workspace sends.
      const { forkSession: _fork, keepWarmMs: _keep, ...spareOptions } = options;
      const agent = await deps.newAgent(paths, ids, { cwd, options: spareOptions, sessionId: null, gitIdentity: request.gitIdentity }, () => !deps.shuttingDown());
      if (agent) deps.pool.addSpare(agent, deps.config.warmSessionMs);
    } finally {
      starting.delete(paths.key);
      finished();
    }
  }

  /**
   * The cut runs' CLIs, started ahead with `--resume` of the session the relay restarts each on
   * (core/spare-agent.ts resumeSparesOf), in its workspace and with its options, one at a time, each
   * within SPARE_AGENTS and the memory left over (a spare never evicts a warm process). The
   * restart takes it when its options still match (spareRefusal); unused, it ends after
   * WARM_SESSION_MS like any spare.
   */
  async function resumeCut(cut: readonly CutRun[], idsOf: (userKey: string) => AgentIds | null): Promise<void> {
    for (const { run, sessionId } of resumeSparesOf(cut, deps.config.spareAgents)) {
      const request = run.request;
      if (!request) continue;
      if (!roomBeside(usersSpares())) return;
      const key = sessionKey(run.paths.key, sessionId);
      let finished = () => {};
      resuming.set(key, new Promise<void>((resolve) => (finished = resolve)));
      try {
        const cwd = workspaceDirOf(run.paths, request.workspace);
        // Its workspace and session are still there (a delete or a clear meanwhile leaves nothing to resume).
        if (!lstatSync(cwd, { throwIfNoEntry: false })?.isDirectory()) continue;
        const { forkSession: _fork, keepWarmMs: _keep, ...options } = request.options;
        const wanted = () => !deps.shuttingDown() && !claimed.has(key);
        const agent = await deps.newAgent(run.paths, idsOf(run.paths.key), { cwd, options, sessionId, gitIdentity: request.gitIdentity }, wanted);
        if (agent && wanted()) deps.pool.addSpare(agent, deps.config.warmSessionMs);
        else if (agent) await deps.pool.stop(agent);
      } catch (error) {
        console.warn(`vm: the CLI of a cut run of ${run.paths.key} was not started ahead: ${String(error)}`);
      } finally {
        resuming.delete(key);
        claimed.delete(key);
        finished();
      }
    }
  }

  /**
   * A spare in the slot made for the next new user (users/user-slots.ts), with the options the
   * last new user's first run had (before any, the relay's defaults): that user's first message takes it as any spare is taken. Its
   * key, uid, HOME and workspace are the slot's, none of them anyone's yet, and its environment has
   * no git identity: the run that takes it writes its own into the HOME first (handOver). Only on
   * a VM that serves several users or nobody yet; one, beside the users' SPARE_AGENTS (none when that is 0), only
   * in memory left over (the first idle process let go when a run needs room), waiting up to
   * IDLE_TIMEOUT_MS; after a user took the slot, the next slot gets the next one.
   */
  async function startSlot(): Promise<void> {
    const { slot, idsOf } = deps;
    if (!slot || !idsOf || slotStarting) return;
    for (const agent of slotSpares) if (!agent.cli.isAlive() || agent.stopping) slotSpares.delete(agent);
    const options = slot.newUserMayCome() ? slot.options() : null;
    if (!options) return;
    if (!roomBeside(0)) return;
    const paths = slot.next();
    if ([...slotSpares].some((agent) => agent.userKey === paths.key)) return;
    let finished = () => {};
    slotStarting = { key: paths.key, cwd: paths.workspace, done: new Promise<void>((resolve) => (finished = resolve)) };
    const seen = slotOptionsSeen;
    try {
      // The slot's uid is allocated (and recorded) here, before any file is made for it.
      const ids = idsOf(paths.key);
      await slot.makeDirs(paths, ids);
      const agent = await deps.newAgent(paths, ids, { cwd: paths.workspace, options, sessionId: null, gitIdentity: undefined }, () => !deps.shuttingDown() && seen === slotOptionsSeen);
      if (!agent) return;
      slotSpares.add(agent);
      // Nobody knows when a new user comes: it waits as long as the VM stays up with nothing to do (IDLE_TIMEOUT_MS), at least WARM_SESSION_MS.
      deps.pool.addSpare(agent, Math.max(deps.config.warmSessionMs, deps.config.idleTimeoutMs));
    } finally {
      slotStarting = null;
      finished();
    }
  }

  /**
   * The slot's options changed (a VM's first user whose run its spare could not take: theirs
   * replace the relay's defaults): its spare, up or being started, goes; the next starts with the new ones when a new user may still come.
   */
  async function dropSlot(): Promise<void> {
    slotOptionsSeen++;
    await Promise.all([...slotSpares].map((agent) => deps.pool.stop(agent)));
    slotSpares.clear();
  }

  return {
    /**
     * At the VM's start: first a CLI resuming the session of each run the last process cut (see
     * resumeCut), then a spare for each of the users whose runs were the latest (at most
     * SPARE_AGENTS), in the workspace and with the options of their last run, so the first message
     * after a restart (a Machine started again) takes one; before those, the slot's spare for the
     * next new user (startSlot), whose first message would otherwise wait for a whole CLI's start. One at a time: they share the cores with
     * whatever arrives first. A run that differs starts its own CLI and its spare replaces this one.
     */
    async startAtBoot(cut: readonly CutRun[] = []): Promise<void> {
      if (!deps.idsOf) return;
      await resumeCut(cut, deps.idsOf);
      await startSlot();
      if (!deps.records) return;
      for (const boot of deps.records.newest(deps.config.spareAgents)) {
        if (deps.shuttingDown()) return;
        await startAfter(boot.paths, deps.idsOf(boot.paths.key), boot.cwd, boot.request);
      }
    },

    startSlot,

    dropSlot,

    /** The user's spare that may take this run, checked field by field (spareRefusal); null when none may. */
    forRun(paths: UserPaths, ids: AgentIds | null, cwd: string, request: StartRunRequest): AgentProcess | null {
      const want = {
        userKey: paths.key,
        uid: ids?.uid ?? null,
        cwd,
        home: paths.home,
        fingerprint: optionsFingerprint(request.options, gitIdentityEnv(request.gitIdentity)),
        settingsPath: deps.settingsPathOf(paths.key, cwd, request.options),
        sessionId: request.sessionId,
      };
      // A slot's spare has no run variables: its git identity is written into its HOME as it is taken.
      const inSlot = { ...want, fingerprint: optionsFingerprint(request.options) };
      return deps.pool.spares().find((agent) => agent.userKey === paths.key && spareRefusal(factsOf(agent), slotSpares.has(agent) ? inSlot : want) === null) ?? null;
    },

    /**
     * Before the spare `forRun` found takes the run: a slot's gets the run's git identity in its
     * HOME, and from then on it is the user's process like any other (its fingerprint the run's).
     * False: that could not be written, and the run starts a CLI of its own.
     */
    async handOver(agent: AgentProcess, ids: AgentIds | null, request: StartRunRequest): Promise<boolean> {
      if (!slotSpares.has(agent) || !deps.slot) return true;
      try {
        await deps.slot.writeIdentity(ids, agent.home, request.gitIdentity);
      } catch (error) {
        console.warn(`vm: the git identity of ${agent.userKey}'s first run was not written: ${String(error)}`);
        return false;
      }
      slotSpares.delete(agent);
      agent.fingerprint = optionsFingerprint(request.options, gitIdentityEnv(request.gitIdentity));
      return true;
    },

    /** After a run of the user in `cwd`: a spare for their next new session there, when one is wanted. */
    startAfter,

    /**
     * A spare of the user being started in `cwd` right now for this run's session (null: a new
     * one): settled once it is up or failed (null: none is).
     */
    startingIn(userKey: string, cwd: string, sessionId: string | null = null): Promise<void> | null {
      if (sessionId !== null) return resuming.get(sessionKey(userKey, sessionId)) ?? null;
      // A new user's first message just after the VM started (a per-user Machine's is sent as it boots): the slot they took is starting its spare.
      if (slotStarting?.key === userKey && slotStarting.cwd === cwd) return slotStarting.done;
      const pending = starting.get(userKey);
      return pending && pending.cwd === cwd ? pending.done : null;
    },

    /**
     * A run takes up this session now (its own CLI, or the one started ahead for it): a CLI still
     * being started ahead on it must not come up beside it (two processes must never write one session).
     */
    claim(userKey: string, sessionId: string): void {
      if (resuming.has(sessionKey(userKey, sessionId))) claimed.add(sessionKey(userKey, sessionId));
    },

    /**
     * A workspace just made for a new conversation (`/new <name>`): its first message starts a new
     * session there, so a spare waits in it, started as the user's last run was (the relay sends a
     * chat run the same options in every conversation; a run that differs starts its own CLI).
     * None before the user's first run since the server started.
     */
    async startIn(paths: UserPaths, cwd: string): Promise<void> {
      const last = lastRequest.get(paths.key);
      if (last) await startAfter(paths, last.ids, cwd, last.request);
    },
  };
}

export type SpareAgents = ReturnType<typeof createSpareAgents>;
