// Starts the agent VM in this process: `startVmServer(config)` for `npm run vm`, the local
// stack and tests. Closes runs left open by a previous process, then serves until closed or idle.
import { createGithubPermissions } from "./github/github-permission";
import { createAdaptorServer } from "@hono/node-server";

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { agentRecordsDirOf, createAgentRecords, endPreviousAgents } from "./cli/agent-records";
import { startAwakeTime } from "./awake-timers";
import { startCliCheck } from "./cli/cli-check";
import { probeAgentFence } from "./cli/fence-probe";
import { cliForAgents } from "./cli/cli-install";
import { VmConfigSchema, type VmConfigInput } from "./config";
import { nextProblem, secretsOf, type ConfigProblem, type ProblemObservation } from "./core/config-problem";
import { isIdle, shouldCompact } from "./core/idle";
import { createVmApp } from "./http/routes";
import { openRunLog } from "./runs/run-log";
import { createRunManager } from "./runs/run-manager";
import type { TimingMark } from "./runs/manager-deps";
import { createToolBridge } from "./relay-tools/tool-bridge";
import { holdsConnection } from "./relay-tools/peer-process";
import { createFileStaging } from "./files/file-staging";
import { createApprovalBridge } from "./approvals/approval-bridge";
import { createApprovalRules } from "./approvals/approval-rules";
import { credentialLinesOf } from "./core/git-credentials";
import { prepareGitHome, removeCredentialsFile } from "./credentials/git-setup";
import { createGithubGate } from "./github/github-gate";
import { adoptCheckouts, createGithubRepos } from "./github/github-repos";
import { startCredentialProxy } from "./credentials/credential-proxy";
import { openUserNetns } from "./users/user-netns";
import { resolveInside } from "./users/user-paths";
import { openUsers } from "./users/user-isolation";
import { takeServerFolders } from "./users/data-dir-layout";
import { credentialsIn, readinessProblems } from "./core/readiness";
import { isolationOf } from "./core/machine-isolation";
import { probeFlyApi, probeMachine, readMounts } from "./users/readiness-probe";
import { userPathsOfKey } from "./users/user-paths";
import { createWorkspaces } from "./workspaces/workspaces";
import { createCheckpoints } from "./checkpoints/checkpoints";
import { createUserArchive } from "./archive/user-archive";
import { createShip } from "./github/ship";
import { createPullReview } from "./github/pull-review";
import { createPreviewServers, previewPlaceOf } from "./preview/preview-servers";
import { previewUpgradeHandler, type PreviewRouteDeps } from "./http/preview-routes";
import { createShooter } from "./shots/shooter";
import { launchShotBrowser } from "./shots/shot-browser";
import { cutRunsOf, wakeRelay, wakeRelayForReader } from "./runs/relay-wake";
import { createReaderWatch, READER_GONE_GRACE_MS } from "./runs/reader-watch";

/** A /shot page that has not loaded and drawn by then fails with a one-line reason. */
const SHOT_DEADLINE_MS = 20_000;
/** A full page is cut at this height (about twelve phone screens): a picture a chat can show. */
const SHOT_MAX_HEIGHT = 10_000;

export type VmServer = {
  url: string;
  port: number;
  /** Ends live runs (`vm_restarted`), stops every CLI, flushes events, closes the server. */
  close(): Promise<void>;
};

export type VmHooks = {
  /** Called once the VM is idle and its warm processes are stopped. Default: close the server. */
  onIdle?: () => void;
  /** Measurement points (performance.now()), for the benchmark. */
  onTiming?: (runId: string, mark: TimingMark | "delivered", at: number, event?: VmRunEvent) => void;
  /** The Machine's memory in MB, as agent processes are admitted (core/process-budget.ts); default the kernel's. */
  memory?: () => { totalMb: number; freeMb: number };
};

/**
 * `gc` exists only under `node --expose-gc` (how `npm run vm` and the image start the VM). Once
 * the VM goes quiet it compacts its heap at once: V8 alone shrinks it only 10-40 s later, if at
 * all, and the Machine may idle for IDLE_TIMEOUT_MS. "last-resort" is the collection that also
 * returns memory to the system (docs/vm.md, idle memory).
 */
const exposedGc = () => (globalThis as { gc?: (options: object) => unknown }).gc;
export const COMPACTING_GC = { type: "major", execution: "sync", flavor: "last-resort" };
const COMPACT_AFTER_QUIET_MS = 1_000;

export async function startVmServer(input: VmConfigInput, hooks: VmHooks = {}): Promise<VmServer> {
  const configured = VmConfigSchema.parse(input);
  takeServerFolders([configured.dataDir, agentRecordsDirOf(configured.dataDir)]);
  // First of all: no CLI of a previous process may go on beside the runs this one will take.
  const previous = await endPreviousAgents(configured.dataDir);
  if (previous.records > 0) console.log(`vm: previous_agents_ended count=${previous.ended} (agent process groups the previous VM process left running, of ${previous.records} recorded)`);
  if (previous.survivors.length > 0) console.warn(`vm: processes ${previous.survivors.join(", ")} of the previous VM process outlived SIGKILL`);
  const agentRecords = createAgentRecords(configured.dataDir);
  const users = openUsers(configured.dataDir, configured);
  // Can it run an agent at all, and keep each user's apart: one line per thing that stops it, and
  // /health names them; what the operator allowed instead is named too.
  const isolation = isolationOf({
    root: process.getuid?.() === 0,
    mounts: readMounts(),
    allowSharedProc: configured.allowSharedProc,
    flyApi: users.isolated ? await probeFlyApi(configured.flyApiSocket) : null,
  });
  const readiness = [...readinessProblems({ credentials: credentialsIn(configured.cliEnv), machine: users.isolated ? await probeMachine(configured.dataDir) : null }), ...isolation.problems];
  for (const found of readiness) console.warn(`vm: cannot run an agent: ${found.message}`);
  for (const allowed of isolation.allowed) console.warn(`vm: ${allowed.line}`);
  // No run may act from inside another of the same user: each agent process in a domain of its own.
  const fenced = await probeAgentFence();
  console.log(fenced.line);
  // The CLI agents can run, installed for them when they cannot reach the configured one.
  const agentCli = users.isolated ? cliForAgents(configured.claudeBin, configured.dataDir) : { bin: configured.claudeBin, line: null };
  if (agentCli.line) console.log(agentCli.line);
  const config = { ...configured, claudeBin: agentCli.bin };
  const log = openRunLog(config.dataDir);
  const reopened = log.closeDangling("the VM restarted while the run was live");
  if (reopened.length > 0) console.log(`vm: closed ${reopened.length} run(s) left live by the previous process`);
  log.prune(Date.now() - config.runRetentionMs);

  let vmPort = 0;
  // The servers kept for their conversations' previews: the one thing a run starts that outlives it.
  const previewServers = createPreviewServers({ vmPorts: () => [vmPort] });

  // The idle exit and the warm processes count awake time: a Machine suspended with no run (the
  // relay's idle action) resumes with both where they were, instead of exiting at once.
  const awake = startAwakeTime({
    onFreeze: (frozenMs) => {
      console.log(`vm: frozen for ${(frozenMs / 1000).toFixed(1)} s (the Machine was suspended), not counted towards the idle exit or warm processes`);
      // A suspension ends the kept preview servers (docs/vm.md): the next preview request starts one again.
      previewServers.stopAll();
    },
  });
  let lastActivityAt = awake.now();
  let openStreams = 0;
  const touch = () => {
    lastActivityAt = awake.now();
  };
  // One line in the log whenever the configuration problem changes; /health shows the current one.
  let problem: ConfigProblem | null = null;
  const observe = (seen: ProblemObservation) => {
    const next = nextProblem(problem, seen);
    if (next === problem) return;
    if (next) console.warn(`vm: configuration problem (${next.reason}): ${next.message}`);
    else if (problem) console.log(`vm: configuration problem gone (${problem.reason}): a run was answered`);
    problem = next;
  };

  // The operator's secrets (model key, git credentials) stay in this process: agents reach them
  // only through the credential proxy, with a token of their own process.
  const credentials = credentialLinesOf(config);
  if (credentials.skipped > 0) console.warn(`vm: GIT_CREDENTIALS: ${credentials.skipped} line(s) skipped (each must be https://user:secret@host)`);
  if (removeCredentialsFile(config.dataDir)) console.log("vm: removed DATA_DIR/.secrets (an earlier version's git credentials file): git credentials now stay in the server's memory");
  // What each agent may do on GitHub: its user's cloned repositories, as the server recorded them.
  const githubRepos = createGithubRepos({ dataDir: config.dataDir, githubUrl: config.githubUrl });
  const adopted = await adoptCheckouts(githubRepos, config.dataDir, (userKey) => users.idsOf(userKey));
  if (adopted > 0) console.log(`vm: github_repos_adopted count=${adopted} (workspaces cloned before the server kept their GitHub remotes: recorded once from their checkouts)`);
  const github = createGithubGate({ githubUrl: config.githubUrl, dataDir: config.dataDir, repos: githubRepos });
  const proxy = await startCredentialProxy({
    cliEnv: config.cliEnv,
    gitLines: credentials.lines,
    githubToken: config.githubToken,
    githubApiBase: config.githubApiBase,
    github,
    socketDir: resolveInside(config.dataDir, ".proxy"),
  });
  // Each user's agent on a loopback of its own, reaching only the VM's ports and the internet
  // (users/user-netns.ts; docs/vm.md, what the agent can reach). Made per user at its first agent.
  const userNetns = openUserNetns({ isolated: users.isolated, vmPorts: () => [vmPort, Number(new URL(proxy.baseUrl).port)] });
  console.log(userNetns.line);
  if (!users.isolated) {
    console.warn("vm: agents run as the server's own user: they could read the model key and git credentials from the server's process (/proc/<pid>/environ, memory); run the VM as root for per-user uids to keep them out of reach");
  }

  // Heard only from the agent's own CLI, on a connection it holds (tool-bridge.ts, peer-process.ts).
  const tools = createToolBridge({ timeoutMs: config.toolCallTimeoutMs, holds: holdsConnection });
  const files = createFileStaging({ dataDir: config.dataDir, graceMs: config.stagedFileGraceMs, idsOf: (userKey) => users.idsOf(userKey) });
  // The user's "always" answers: the server's files, which no agent can write (approval-rules.ts).
  const rules = createApprovalRules({ dataDir: config.dataDir, idsOf: (userKey) => users.idsOf(userKey) });
  /** What no message, approval or diff may carry. */
  const vmSecrets = [...secretsOf(config.vmToken, config.cliEnv), ...credentials.secrets];
  const approvals = createApprovalBridge({
    secrets: vmSecrets,
    rememberRule: ({ userKey, cwd }, rule) => rules.remember(userKey, cwd, rule),
    dataDir: config.dataDir,
    idsOf: (userKey) => users.idsOf(userKey),
  });
  // Each workspace's files before and after every run, as git objects on the volume (checkpoints.ts);
  // none with CHECKPOINTS=off: runs then carry no change and /undo and /redo say why.
  const checkpoints =
    config.checkpoints === "on"
      ? createCheckpoints({
          dataDir: config.dataDir,
          idsOf: (userKey) => users.idsOf(userKey),
          secrets: vmSecrets,
        })
      : undefined;
  if (!checkpoints) console.log("vm: checkpoints off (CHECKPOINTS=off): runs record no change, /undo and /redo answer that nothing was recorded");
  let vmUrl = "";
  // /shot's browser: started by the first picture, closed when idle (docs/vm.md).
  const shooter = createShooter({ launch: launchShotBrowser, idleMs: config.shotIdleMs, deadlineMs: SHOT_DEADLINE_MS, maxHeight: SHOT_MAX_HEIGHT });
  const preview: PreviewRouteDeps = {
    servers: previewServers,
    placeOf: (userId, workspace) => previewPlaceOf(config.dataDir, (userKey) => users.idsOf(userKey), userId, workspace),
    now: () => Date.now(),
  };
  // With RELAY_URL, a run whose reader went away mid-run wakes the relay once it has news (runs/reader-watch.ts).
  const relayUrl = config.relayUrl;
  const readers = relayUrl
    ? createReaderWatch({
        graceMs: READER_GONE_GRACE_MS,
        now: () => Date.now(),
        wake: (run) => {
          const userId = manager.conversationOf(run.id)?.userId ?? log.read(run.id)?.meta.userId;
          return userId ? wakeRelayForReader(relayUrl, config.vmToken, { runId: run.id, userId }) : Promise.resolve(true);
        },
      })
    : null;
  const manager = createRunManager({
    config,
    log,
    touch,
    awake,
    onTiming: hooks.onTiming,
    ...(hooks.memory ? { memory: hooks.memory } : {}),
    tools,
    vmUrl: () => vmUrl,
    observe,
    users,
    records: agentRecords,
    fence: fenced.fence,
    proxy,
    prepareHome: (ids, home, identity, proxyToken) =>
      prepareGitHome(ids, home, {
        identity,
        gitProxy: proxyToken ? proxy.gitConfig() || null : null,
        gh: proxyToken && proxy.ghSocket ? { socket: proxy.ghSocket } : null,
      }),
    secrets: credentials.secrets,
    rulesFileOf: (userKey, cwd) => rules.settingsFileFor(userKey, cwd),
    ...(checkpoints ? { checkpoints } : {}),
  });
  const workspaces = createWorkspaces({ config, manager, users, proxy, github: { repos: githubRepos }, secrets: credentials.secrets, rules, ...(checkpoints ? { checkpoints } : {}) });
  const app = createVmApp({
    vmToken: config.vmToken,
    secrets: [...secretsOf(config.vmToken, config.cliEnv), ...credentials.secrets],
    manager,
    workspaces,
    tools,
    files,
    approvals,
    checkpoints: { dataDir: config.dataDir, checkpoints: checkpoints ?? null },
    ship: {
      dataDir: config.dataDir,
      users,
      ship: createShip({ githubUrl: config.githubUrl, githubApiBase: config.githubApiBase, githubToken: config.githubToken, repos: githubRepos, proxy }),
      pullReview: createPullReview({ githubApiBase: config.githubApiBase, githubToken: config.githubToken, repos: githubRepos }),
    },
    archive: createUserArchive({ dataDir: config.dataDir, manager, users, rules, github: githubRepos, ...(checkpoints ? { checkpoints } : {}) }),
    handoff: { dataDir: config.dataDir, users, checkpoints: checkpoints ?? null },
    githubPermissions: createGithubPermissions({ githubApiBase: config.githubApiBase, githubToken: config.githubToken, now: () => Date.now() }),
    preview,
    shooter,
    problem: () => problem?.message ?? null,
    readiness,
    allowed: isolation.allowed.map((a) => a.name),
    onRequest: touch,
    now: () => performance.now(),
    stream: {
      ...(readers ? { onAttached: readers.attached, onDetached: readers.detached } : {}),
      heartbeatMs: config.heartbeatMs,
      onOpen: () => {
        openStreams++;
      },
      onClose: () => {
        openStreams--;
        touch();
      },
      onDelivered: hooks.onTiming ? (runId, event) => hooks.onTiming?.(runId, "delivered", performance.now(), event) : undefined,
    },
  });

  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  server.on("upgrade", previewUpgradeHandler(config.vmToken, preview));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  }).catch(async (error: unknown) => {
    awake.stop();
    userNetns.close();
    await proxy.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  vmPort = port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  vmUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // The close cancels open streams: that is not a reader going away.
      readers?.close();
      clearInterval(idleTimer);
      check.stop();
      previewServers.stopAll();
      await Promise.all([manager.shutdown(), workspaces.close(), shooter.stop()]);
      userNetns.close();
      awake.stop();
      files.close();
      await proxy.close();
      // The last events are written; let open streams take them before the sockets go.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
    })();
    return closing;
  };

  // After listen, not awaited: each user whose runs the restart cut is told, so the relay reconnects now.
  if (config.relayUrl && reopened.length > 0) void wakeRelay(config.relayUrl, config.vmToken, cutRunsOf(log, reopened));

  // After listen, not awaited: the cut runs' CLIs (resuming their sessions) and the last users' spares start beside the first requests.
  // Not on a VM that refuses every run (a readiness problem): no CLI, and no user's uid or tree, for nobody to use.
  if (readiness.length === 0) void manager.startSparesAtBoot(reopened);

  // After listen, not awaited: the check never delays the start. A run may find a problem first.
  const check = startCliCheck(config, [...secretsOf(config.vmToken, config.cliEnv), ...credentials.secrets], users.isolated ? null : (process.getuid?.() ?? null), fenced.fence);
  void check.result.then((found) => found && !closing && observe({ type: "found", problem: found }));

  // Every time here is awake time (awake.now()), so a freeze counts as quiet for one tick at most.
  let compactedAt = 0;
  const checkEveryMs = Math.max(50, Math.min(1_000, Math.floor(config.idleTimeoutMs / 4)));
  const idleTimer = setInterval(() => {
    const liveRuns = manager.liveRunCount() + workspaces.clonesUnderWay();
    const quiet = { now: awake.now(), lastActivityAt, liveRuns, openStreams, heldUntil: manager.heldUntil() };
    const collectGarbage = exposedGc();
    if (collectGarbage && shouldCompact({ ...quiet, compactedAt, quietMs: COMPACT_AFTER_QUIET_MS })) {
      collectGarbage(COMPACTING_GC);
      compactedAt = awake.now();
    }
    const idle = isIdle({ ...quiet, idleTimeoutMs: config.idleTimeoutMs });
    if (!idle || closing) return;
    clearInterval(idleTimer);
    // The conversation's idle time ends its preview server with the VM's.
    previewServers.stopAll();
    void manager.stopWarm().then(() => (hooks.onIdle ? hooks.onIdle() : void close()));
  }, checkEveryMs);
  idleTimer.unref();

  return { url: `http://${host}:${port}`, port, close };
}
