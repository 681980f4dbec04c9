// One Claude Code CLI process: spawned as an argument vector in its own process group, its
// stdout split into capped lines, stderr kept as a short tail, stopped by signalling the group.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { userSpawnOf } from "../users/user-netns";
import type { AgentIds } from "../core/agent-ids";
import { createLineSplitter } from "../core/line-splitter";
import { fenceExecError, fencedCommand, type AgentFence } from "../core/agent-fence";

export type CliExit = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  spawnError: string | null;
  /** The errno code of a spawn that failed (ENOENT, EACCES…). */
  spawnErrorCode: string | null;
  /** Lines read from stdout: none means the CLI refused to start (see core/config-problem.ts). */
  stdoutLines: number;
};

export type CliProcessOptions = {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The OS user it runs as (and so every process it starts); null: the server's own. */
  ids?: AgentIds | null;
  maxLineBytes: number;
  onLine: (line: string, readAt: number) => void;
  /** Started in a Landlock domain of its own (core/agent-fence.ts), where the kernel has one. */
  fence?: AgentFence | null;
};

export type CliProcess = {
  readonly pid: number | undefined;
  readonly spawnedAt: number;
  /** Writes one JSON line to stdin; false when stdin is already closed. */
  writeLine(value: unknown): boolean;
  /** Closes stdin: the CLI answers what it has read, then exits by itself. */
  endInput(): void;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs: number): Promise<CliExit>;
  readonly exited: Promise<CliExit>;
  isAlive(): boolean;
};

const STDERR_TAIL = 4096;

export function spawnCli(options: CliProcessOptions): CliProcess {
  const fenced = fencedCommand(options.fence ?? null, options.bin, options.args);
  // In the user's network namespace where the VM keeps one per user (users/user-netns.ts).
  const command = userSpawnOf(options.ids ?? null, fenced.bin, fenced.args, true);
  const child = spawn(command.bin, command.args, {
    cwd: options.cwd,
    env: options.env,
    ...command.ids,
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group, so a stop reaches the tools it started too.
    detached: true,
    shell: false,
  });
  const spawnedAt = performance.now();
  let alive = true;
  let stdinOpen = true;
  let stderrTail = "";
  let spawnError: string | null = null;
  let spawnErrorCode: string | null = null;
  let stdoutLines = 0;
  const splitter = createLineSplitter(options.maxLineBytes);

  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    const readAt = performance.now();
    for (const line of splitter.push(chunk)) {
      stdoutLines++;
      options.onLine(line, readAt);
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
  });
  // A CLI that exits while we write gets EPIPE on stdin: the exit is reported, not the pipe error.
  child.stdin.on("error", () => {
    stdinOpen = false;
  });

  const exited = new Promise<CliExit>((resolve) => {
    child.on("error", (error: NodeJS.ErrnoException) => {
      spawnError = error.message;
      spawnErrorCode = error.code ?? null;
      if (child.pid === undefined) {
        alive = false;
        resolve({ code: null, signal: null, stderrTail, spawnError, spawnErrorCode, stdoutLines });
      }
    });
    child.on("close", (code, signal) => {
      alive = false;
      stdinOpen = false;
      for (const line of splitter.end()) {
        stdoutLines++;
        options.onLine(line, performance.now());
      }
      // The launcher could not exec the CLI: told as the spawn's own error, as without it.
      const execError = options.fence ? fenceExecError(code, stderrTail) : null;
      if (execError) {
        spawnError = `spawn ${options.bin} ${execError}`;
        spawnErrorCode = execError;
      }
      resolve({ code, signal, stderrTail, spawnError, spawnErrorCode, stdoutLines: stdoutLines + splitter.dropped() });
    });
  });

  function signalGroup(signal: NodeJS.Signals): void {
    if (!alive || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone; the close event follows.
    }
  }

  return {
    pid: child.pid,
    spawnedAt,
    writeLine(value) {
      if (!stdinOpen || !alive) return false;
      child.stdin.write(`${JSON.stringify(value)}\n`);
      return true;
    },
    endInput() {
      if (stdinOpen) child.stdin.end();
      stdinOpen = false;
    },
    stop(graceMs) {
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      return exited.finally(() => clearTimeout(timer));
    },
    exited,
    isAlive: () => alive,
  };
}
