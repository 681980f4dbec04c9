// What is wrong with the VM's configuration, judged from what the Claude Code CLI actually does
// (messages observed from 2.1.330, docs/vm.md): a run's exit, the startup check, and the one
// problem the VM reports on /health until a run shows it is gone.
import type { ConfigProblemReason } from "../../../src/protocol/vm/health";
import type { VmRunEvent, RunOptions } from "../../../src/protocol/vm/runs";
import { secretValuesOf } from "./secret-env";

export type ConfigProblem = { reason: ConfigProblemReason; message: string };

/** How a CLI process ended, as the shell saw it. */
export type ExitFacts = {
  bin: string;
  code: number | null;
  signal: string | null;
  /** The errno code of a spawn that failed (ENOENT, EACCES…); null when the process started. */
  spawnErrorCode: string | null;
  spawnError: string | null;
  stderrTail: string;
  /** Lines the process printed on stdout. */
  stdoutLines: number;
};

/** On stderr, exit 1, nothing on stdout, about 250 ms after the spawn; `IS_SANDBOX=1` lifts it. */
const ROOT_REFUSAL = /cannot be used with root\/sudo privileges/;

/** The last few lines of stderr on one line: the CLI's own words, short enough for a log line. */
function said(stderrTail: string): string {
  const lines = stderrTail.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.slice(-3).join(" | ").slice(-500);
}

function spawnProblem(exit: ExitFacts): ConfigProblem | null {
  if (exit.spawnErrorCode === "ENOENT") {
    return { reason: "cli_not_found", message: `CLAUDE_BIN ${exit.bin} was not found (spawn ENOENT: the file, or the interpreter its #! line names, does not exist)` };
  }
  if (exit.spawnErrorCode === "EACCES") {
    return { reason: "cli_not_executable", message: `CLAUDE_BIN ${exit.bin} cannot be executed (spawn EACCES: a directory, or no execute permission)` };
  }
  if (exit.spawnError) return { reason: "cli_failed_to_start", message: `CLAUDE_BIN ${exit.bin} could not be started: ${exit.spawnError}` };
  return null;
}

/**
 * A run's CLI that ended because of the VM's configuration, or null for a crash. It refused to
 * start when it exited with an error code before printing a single line: a run that got as far
 * as its first line failed for some other reason, and a signal is a crash (or the VM's stop), as
 * is a code from 128 up (the CLI exits 143 on SIGTERM).
 */
export function misconfigurationOf(exit: ExitFacts): ConfigProblem | null {
  const spawn = spawnProblem(exit);
  if (spawn) return spawn;
  if (exit.signal !== null || exit.code === null || exit.code === 0 || exit.code >= 128 || exit.stdoutLines > 0) return null;
  const words = said(exit.stderrTail);
  if (ROOT_REFUSAL.test(exit.stderrTail)) {
    return { reason: "root_without_sandbox", message: `the Claude Code CLI refuses bypassPermissions because the VM runs as root without IS_SANDBOX=1 (it said: ${words})` };
  }
  return { reason: "cli_failed_to_start", message: `the Claude Code CLI exited with code ${exit.code} before printing anything${words ? `: ${words}` : ""}` };
}

export type StartupFacts = {
  /** `CLAUDE_BIN --version`; `timedOut` when it had to be stopped. */
  version: ExitFacts & { timedOut: boolean };
  /** The VM's uid (the CLI runs as the same user); null where there are no uids. */
  uid: number | null;
  isSandbox: string | undefined;
};

/**
 * The startup check: the CLI answers `--version` (which checks nothing else: it succeeds as root
 * without IS_SANDBOX), and, as root, IS_SANDBOX is exactly "1", without which the CLI refuses
 * the relay's permission mode (bypassPermissions). One problem, the most basic first.
 */
export function startupProblem(facts: StartupFacts): ConfigProblem | null {
  const { version } = facts;
  const spawn = spawnProblem(version);
  if (spawn) return spawn;
  if (version.timedOut) return { reason: "cli_failed_to_start", message: `CLAUDE_BIN ${version.bin} did not answer --version in time` };
  if (version.signal !== null || version.code !== 0) {
    const how = version.signal !== null ? `was killed by ${version.signal}` : `exited with code ${version.code}`;
    const words = said(version.stderrTail);
    return { reason: "cli_failed_to_start", message: `CLAUDE_BIN ${version.bin} --version ${how}${words ? `: ${words}` : ""}` };
  }
  if (facts.uid === 0 && facts.isSandbox !== "1") {
    const seen = facts.isSandbox === undefined ? "unset" : `"${facts.isSandbox}"`;
    return {
      reason: "root_without_sandbox",
      message: `the VM runs as root with IS_SANDBOX ${seen}: the Claude Code CLI refuses bypassPermissions (the relay's permission mode) as root unless IS_SANDBOX=1; set IS_SANDBOX=1 or run the VM as a non-root user`,
    };
  }
  return null;
}

export type ProblemObservation =
  | { type: "found"; problem: ConfigProblem }
  /** A run got a result from its CLI (not an authentication failure). */
  | { type: "answered"; permissionMode: RunOptions["permissionMode"] };

/**
 * The problem /health reports next (the same object when nothing changed). The latest one found
 * wins, though the same reason found again keeps its first words; a CLI that answered shows it
 * is gone, except that a run in another mode says nothing about bypassPermissions as root.
 */
export function nextProblem(current: ConfigProblem | null, seen: ProblemObservation): ConfigProblem | null {
  if (seen.type === "found") return current?.reason === seen.problem.reason ? current : seen.problem;
  if (current?.reason === "root_without_sandbox" && seen.permissionMode !== "bypassPermissions") return current;
  return null;
}

/** What a finished run says about the configuration: a problem it ended on, an answer, or nothing. */
export function observationOf(events: readonly VmRunEvent[], permissionMode: RunOptions["permissionMode"]): ProblemObservation | null {
  const last = events.at(-1);
  if (last?.type === "error" && last.reason) return { type: "found", problem: { reason: last.reason, message: last.message } };
  return events.some((e) => e.type === "result") ? { type: "answered", permissionMode } : null;
}

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

/** The values a message must never carry: VM_TOKEN, every secret-looking pass-through variable and every secret of core/secret-env.ts. */
export function secretsOf(vmToken: string, cliEnv: Record<string, string>): string[] {
  const values = [...Object.entries(cliEnv).filter(([name]) => SECRET_NAME.test(name)).map(([, value]) => value), ...secretValuesOf(cliEnv)];
  // Short values would blank out ordinary words; real keys and tokens are long.
  return [...new Set([vmToken, ...values])].filter((value) => value.length >= 8);
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}
