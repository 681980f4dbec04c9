// One CLI call of the set-up (wrangler, fly), without a shell: its exit code and what it printed.
// A child that exits without reading its stdin, or that could not be started, is answered by its
// exit or its error, never by a crash of the set-up on the pipe it left (EPIPE).
import { type ChildProcess, spawn } from "node:child_process";
import type { CliResult } from "./cli-output";

export type CliCall = {
  /** Written to the child's stdin, then closed; none: the child's stdin is /dev/null. */
  stdin?: string;
  /** Its output shown as it comes (deploys take minutes). */
  stream?: boolean;
  /** Where the child is kept while it runs, so that Ctrl-C can end it. */
  running: Set<ChildProcess>;
};

/** `hint`: added to the error of a command that could not be started (how to install it). */
export function runCli(command: string, args: string[], call: CliCall, hint = ""): Promise<CliResult> {
  return new Promise((resolve) => {
    // stdout and stderr are always pipes (the non-null reads below); stdin only when there is something to write.
    const child = spawn(command, args, { stdio: [call.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
    call.running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (call.stream) process.stdout.write(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (call.stream) process.stderr.write(chunk);
    });
    child.on("error", (error) => {
      call.running.delete(child);
      resolve({ code: 127, stdout, stderr: `${command}: ${error.message}${hint}` });
    });
    child.on("close", (code) => {
      call.running.delete(child);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    if (child.stdin) {
      // The child's exit (or its spawn error) says what happened; a pipe it closed early is not news.
      child.stdin.on("error", () => {});
      child.stdin.end(call.stdin);
    }
  });
}
