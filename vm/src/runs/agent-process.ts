// A user's Claude Code process and the run it currently serves. It outlives a run when warm:
// after `done` it waits for the next message of the same session instead of exiting.
import type { InputMessage } from "../../../src/protocol/vm/runs";
import type { AgentIds } from "../core/agent-ids";
import type { AgentFence } from "../core/agent-fence";
import { spawnCli, type CliExit, type CliProcess } from "../cli/cli-process";
import { parseCliLine } from "../core/cli-signals";
import { cliArgs, cliEnv, optionsFingerprint, type CliOptions } from "../core/cli-command";
import type { Run } from "../core/run-handle";
import type { UserPaths } from "../users/user-paths";

export type AgentProcess = {
  readonly cli: CliProcess;
  readonly userKey: string;
  /** Its working directory: the workspace it serves. A warm process takes runs of that one only. */
  readonly cwd: string;
  /** Its options and run variables; a slot's spare gets its run's as it is taken (spare-agents.ts handOver). */
  fingerprint: string;
  /** The OS user it runs as (null: the server's), its HOME and the rules file it was given: checked before a spare is handed over. */
  readonly uid: number | null;
  readonly home: string;
  readonly settingsPath: string | null;
  /** The session the CLI is on (from `--resume`, then from its own events). */
  sessionId: string | null;
  run: Run | null;
  stopping: boolean;
  /** Takes no more runs: it exits after the current one (its workspace's settings changed). */
  retired: boolean;
  /** Kept warm by the relay's `keepWarmMs` (deep mode) until then, in awake time (`awake.now()`): the VM does not go idle before. */
  holdUntil: number;
  /** It has served a run: it is no spare any more (core/spare-agent.ts). */
  served: boolean;
};

export type SpawnAgentInput = {
  bin: string;
  /** The launcher that starts it in a Landlock domain of its own (core/agent-fence.ts), or null. */
  fence: AgentFence | null;
  paths: UserPaths;
  /** The user's own OS user, or null: the server's. */
  ids: AgentIds | null;
  /** The workspace's directory, inside `paths.root`. */
  cwd: string;
  /** The run's own variables (its git identity). */
  runEnv: Record<string, string>;
  options: CliOptions;
  sessionId: string | null;
  /** The relay tools' MCP config, when the run offers them. */
  mcpConfigPath: string | null;
  /** The user's "always" rules for the workspace (`--settings`), when there are any. */
  settingsPath: string | null;
  passThrough: Record<string, string>;
  maxLineBytes: number;
  stopGraceMs: number;
  onResultLine?: (runId: string, readAt: number) => void;
  /** A result's text as the user should read it (behind the credential proxy: its address not named). */
  resultText?: (text: string) => string;
};

/** The messages of one request are one user turn, joined with blank lines. */
export function turnText(messages: InputMessage[]): string {
  return messages.map((m) => m.text).join("\n\n");
}

export function spawnAgent(input: SpawnAgentInput): AgentProcess {
  // Assigned right after the spawn; output only arrives on a later tick.
  let agent: AgentProcess;
  const cli = spawnCli({
    bin: input.bin,
    fence: input.fence,
    args: cliArgs(input.options, input.sessionId, input.mcpConfigPath, input.settingsPath, input.cwd),
    cwd: input.cwd,
    ids: input.ids,
    env: cliEnv({
      inherited: { PATH: process.env.PATH, LANG: process.env.LANG, TZ: process.env.TZ },
      home: input.paths.home,
      tmp: input.paths.tmp,
      passThrough: input.passThrough,
      run: input.runEnv,
    }),
    maxLineBytes: input.maxLineBytes,
    onLine: (line, readAt) => {
      for (const read of parseCliLine(line)) {
        const signal = read.type === "result" && input.resultText ? { ...read, text: input.resultText(read.text) } : read;
        if (signal.type === "init" || signal.type === "result") agent.sessionId = signal.sessionId;
        const run = agent.run;
        if (!run) continue;
        if (signal.type === "result") input.onResultLine?.(run.id, readAt);
        // The run already ended itself (auth failure, unknown session): only the CLI is left.
        if (run.feed(signal)) void stopAgent(agent, input.stopGraceMs);
      }
    },
  });
  agent = {
    cli,
    userKey: input.paths.key,
    cwd: input.cwd,
    fingerprint: optionsFingerprint(input.options, input.runEnv),
    uid: input.ids?.uid ?? null,
    home: input.paths.home,
    settingsPath: input.settingsPath,
    sessionId: input.sessionId,
    run: null,
    stopping: false,
    retired: false,
    holdUntil: 0,
    served: false,
  };
  return agent;
}

/** Writes one user turn to the CLI's stdin; the run registered `uuid` first (turn-queue.ts), so its consumption is never missed. */
export function writeTurn(agent: AgentProcess, uuid: string, text: string): void {
  agent.cli.writeLine({ type: "user", message: { role: "user", content: text }, uuid, parent_tool_use_id: null });
}

export function stopAgent(agent: AgentProcess, graceMs: number): Promise<CliExit> {
  agent.stopping = true;
  return agent.cli.stop(graceMs);
}

export function describeExit(exit: CliExit): string {
  if (exit.spawnError) return `could not start the Claude Code CLI: ${exit.spawnError}`;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.trim().slice(-1500);
  return `the Claude Code CLI ${how} before answering${tail ? `: ${tail}` : ""}`;
}
