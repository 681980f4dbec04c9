// Starts an agent process, for a run or as a spare before its run is known: the relay tools offered
// with a secret of the process's own, a credential proxy token good only while the run it serves
// at that moment takes model requests, the process registered with the proxy (on GitHub it is
// judged as the run it serves at that moment), the user's HOME prepared, then the CLI spawned; its
// exit is fed to the run it serves then, with the reason it ended. Nothing of a run is in its
// environment: a run reaches it only through `agent.run`.
import type { GitIdentity, RunOptions } from "../../../src/protocol/vm/runs";
import type { CliExit } from "../cli/cli-process";
import type { AgentIds } from "../core/agent-ids";
import { needsRelayMcp } from "../core/cli-command";
import { misconfigurationOf, redactSecrets } from "../core/config-problem";
import { gitIdentityEnv } from "../core/git-credentials";
import type { RunInput } from "../core/run-tracker";
import { offerRelayTools } from "../relay-tools/relay-mcp-config";
import type { UserPaths } from "../users/user-paths";
import { describeExit, spawnAgent, type AgentProcess } from "./agent-process";
import type { AgentPool } from "./agent-pool";
import type { ManagerDeps } from "./manager-deps";
import type { Run } from "../core/run-handle";

/** What a process is started for: its workspace, options, session and git identity (a run's request, or a spare's guess of the next one). */
export type AgentSpec = { cwd: string; options: RunOptions; sessionId: string | null; gitIdentity: GitIdentity | undefined };

/** `runAsks`: whether a live run asks the user before each command (approvals on); the run manager knows. */
export function createAgentStarter(deps: ManagerDeps, pool: Pick<AgentPool, "started" | "exited">, secrets: readonly string[], runAsks: (runId: string) => boolean) {
  const { config, onTiming } = deps;

  /**
   * Null: `wanted()` turned false while the process's files were being written (its run ended, or
   * a spare is no longer wanted): nothing is started.
   */
  async function newAgent(paths: UserPaths, ids: AgentIds | null, spec: AgentSpec, wanted: () => boolean): Promise<AgentProcess | null> {
    const { cwd, options } = spec;
    let self: AgentProcess | null = null;
    // The secret speaks for this process's current run only, so a call never reaches another run.
    const offering = needsRelayMcp(options)
      ? offerRelayTools(deps.tools, {
          tmpDir: paths.tmp,
          ids,
          vmUrl: deps.vmUrl(),
          timeoutMs: config.toolCallTimeoutMs,
          schedules: options.scheduleTools,
          approvalTimeoutMs: options.approvals?.timeoutMs ?? null,
          currentRun: () => self?.run ?? null,
        })
      : null;
    // The process's stand-in for the VM's secrets: good only while its current run takes model
    // requests (run-phase.ts); the model's answers wait for that run's checkpoint before it.
    const modelAdmission = () => self?.run?.admits("model_request") ?? ({ kind: "refuse" } as const);
    const proxyGrant =
      deps.proxy?.grant(() => modelAdmission().kind !== "refuse", {
        answersReady: () => (modelAdmission().kind === "hold" ? (self?.run?.checkpointed() ?? null) : null),
        // The proxy saw the model refuse this process's request: its reset reaches the run even
        // when the CLI prints none (an API key's long retry-after).
        modelRefused: (seen) => void self?.run?.feed({ type: "model_limit", ...seen }),
        ...(onTiming ? { modelRequested: () => self?.run && onTiming(self.run.id, "model_request", performance.now()) } : {}),
      }) ?? null;
    // Both written as the user, by children of its uid, side by side.
    const [tools] = await Promise.all([offering, deps.prepareHome?.(ids, paths.home, spec.gitIdentity, proxyGrant?.token ?? null)]).catch(async (error: unknown) => {
      (await offering?.catch(() => null))?.release();
      proxyGrant?.revoke();
      throw error;
    });
    if (!wanted()) {
      tools?.release();
      proxyGrant?.revoke();
      return null;
    }
    const agent = spawnAgent({
      bin: config.claudeBin,
      fence: deps.fence ?? null,
      paths,
      ids,
      cwd,
      runEnv: gitIdentityEnv(spec.gitIdentity),
      options,
      sessionId: spec.sessionId,
      mcpConfigPath: tools?.mcpConfigPath ?? null,
      // A run of someone else's text gets none of the user's "always" rules.
      settingsPath: settingsPathOf(paths.key, cwd, options),
      passThrough: proxyGrant && deps.proxy ? deps.proxy.agentEnv(proxyGrant.token) : config.cliEnv,
      ...(proxyGrant && deps.proxy ? { resultText: deps.proxy.resultText } : {}),
      maxLineBytes: config.maxLineBytes,
      stopGraceMs: config.stopGraceMs,
      onResultLine: (runId, at) => deps.onTiming?.(runId, "result_line", at),
    });
    self = agent;
    // On GitHub the process and all it starts are judged as the run it serves now (asked at each
    // request: a warm process changes runs), that run alone: its branches, its approval mode.
    const pid = agent.cli.pid;
    // Only this CLI's own connections are heard with the secret (relay-tools/tool-bridge.ts).
    if (pid !== undefined) tools?.attach(pid);
    const unregister = pid === undefined ? undefined : deps.proxy?.registerAgent(pid, { ids, runOf: () => (agent.run ? { userKey: paths.key, cwd: agent.run.cwd, asks: runAsks(agent.run.id) } : null) });
    pool.started(agent);
    deps.records?.add(agent.cli.pid, ids);
    void agent.cli.exited.then((exit) => {
      pool.exited(agent);
      deps.records?.release(agent.cli.pid);
      tools?.release();
      proxyGrant?.revoke();
      unregister?.();
      const run = agent.run;
      agent.run = null;
      if (run) run.feed(exitInput(run, exit));
      deps.touch();
    });
    return agent;
  }

  /** The user's "always" rules for the workspace; a run of someone else's text gets none of them. */
  function settingsPathOf(userKey: string, cwd: string, options: RunOptions): string | null {
    return options.approvals?.untrusted ? null : (deps.rulesFileOf?.(userKey, cwd) ?? null);
  }

  /** Why the run's CLI ended: the VM's stop, the VM's configuration, or a crash. */
  function exitInput(run: Run, exit: CliExit): RunInput {
    if (run.stopRequest) return { type: "exited", stopCode: run.stopRequest.code, message: run.stopRequest.message };
    const problem = misconfigurationOf({ bin: config.claudeBin, ...exit });
    if (problem) return { type: "exited", stopCode: "misconfigured", message: redactSecrets(problem.message, secrets), reason: problem.reason };
    return { type: "exited", stopCode: null, message: redactSecrets(describeExit(exit), secrets) };
  }

  return { newAgent, settingsPathOf };
}
