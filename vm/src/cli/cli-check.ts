// The VM's startup check: does its CLI run, and will it accept the relay's permission mode? A
// short child process (`CLAUDE_BIN --version`: about 10 ms and 23 MB) started once the server
// listens, so it neither delays the start nor adds to the server's own memory.
import { tmpdir } from "node:os";
import { spawnCli } from "./cli-process";
import { agentPassThrough } from "../core/credential-proxy";
import { cliEnv } from "../core/cli-command";
import { redactSecrets, startupProblem, type ConfigProblem } from "../core/config-problem";
import type { VmConfig } from "../config";
import type { AgentFence } from "../core/agent-fence";

export type CliCheck = {
  /** The problem found, or null; never rejects. */
  result: Promise<ConfigProblem | null>;
  /** Stops the check's process if it still runs (the server is closing). */
  stop(): void;
};

const VERSION_TIMEOUT_MS = 30_000;
const NOBODY = { uid: 65_534, gid: 65_534 };

/**
 * `cliUid`: the uid runs' CLIs run as; null when each user's runs as a uid of its own (never root).
 * Then the check runs as `nobody`, a uid that is no agent's and owns nothing of the VM, so it finds
 * what any agent would: a CLI they cannot reach is `cli_not_executable` here already.
 */
export function startCliCheck(config: VmConfig, secrets: readonly string[], cliUid: number | null, fence: AgentFence | null = null, timeoutMs = VERSION_TIMEOUT_MS): CliCheck {
  try {
    return checkCli(config, secrets, cliUid, fence, timeoutMs);
  } catch {
    // Node throws at once when it may not switch to `nobody` (EPERM): the VM's readiness check
    // (readiness-probe.ts) has named that already, and no CLI can be judged without it.
    return { result: Promise.resolve(null), stop: () => {} };
  }
}

function checkCli(config: VmConfig, secrets: readonly string[], cliUid: number | null, fence: AgentFence | null, timeoutMs: number): CliCheck {
  const cli = spawnCli({
    bin: config.claudeBin,
    // Through the launcher runs use, so a launcher that fails is found here, before any run.
    fence,
    ids: cliUid === null ? NOBODY : null,
    args: ["--version"],
    // As nobody, from `/`: a DATA_DIR agents cannot pass is said at start (user-isolation.ts), not blamed on the CLI.
    cwd: cliUid === null ? "/" : config.dataDir,
    // The environment of a run, so a wrapper script behaves here as it will there.
    env: cliEnv({
      inherited: { PATH: process.env.PATH, LANG: process.env.LANG, TZ: process.env.TZ },
      home: tmpdir(),
      tmp: tmpdir(),
      // Never the model credential: `--version` needs none, and it runs as `nobody`.
      passThrough: agentPassThrough(config.cliEnv, null),
    }),
    maxLineBytes: 64 * 1024,
    onLine: () => {},
  });
  cli.endInput();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void cli.stop(1_000);
  }, timeoutMs);
  timer.unref();
  const result = cli.exited.then((exit) => {
    clearTimeout(timer);
    const problem = startupProblem({
      version: { bin: config.claudeBin, ...exit, timedOut },
      uid: cliUid,
      isSandbox: config.cliEnv.IS_SANDBOX,
    });
    return problem && { ...problem, message: redactSecrets(problem.message, secrets) };
  });
  return { result, stop: () => void cli.stop(0) };
}
