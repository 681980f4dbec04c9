// The set-up's one way to run a CLI (scripts/setup/run-cli.ts): its stdin reaches it; a child that
// exits without reading a large stdin, or a command that cannot start, is answered by its exit or
// its error, never by a crash of the set-up on the closed pipe (EPIPE, seen under load in CI).
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCli } from "../../scripts/setup/run-cli";

const node = process.execPath;

describe("runCli", () => {
  it("writes stdin to the child and returns its exit code and output", async () => {
    const running = new Set<ChildProcess>();
    const result = await runCli(node, ["-e", "process.stdin.pipe(process.stdout)"], { stdin: "A=1\nB=2\n", running });
    expect(result).toEqual({ code: 0, stdout: "A=1\nB=2\n", stderr: "" });
    expect(running.size).toBe(0);
  });

  it("gives a child with nothing to read an empty stdin", async () => {
    const result = await runCli(node, ["-e", "process.stdout.write(String(require('fs').readFileSync(0).length))"], { running: new Set() });
    expect(result).toEqual({ code: 0, stdout: "0", stderr: "" });
  });

  it("answers with the exit of a child that never reads a stdin larger than the pipe holds", async () => {
    // 8 MiB cannot sit in a pipe's buffer: the write is still going when the child exits.
    const result = await runCli(node, ["-e", "process.stderr.write('refused'); process.exit(3)"], { stdin: "x".repeat(8 * 1024 * 1024), running: new Set() });
    expect(result).toEqual({ code: 3, stdout: "", stderr: "refused" });
  });

  it("answers a command that cannot start with 127 and what to install", async () => {
    const result = await runCli("no-such-cli-for-the-setup", ["deploy"], { stdin: "A=1", running: new Set() }, " (install it)");
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/^no-such-cli-for-the-setup: spawn no-such-cli-for-the-setup ENOENT \(install it\)$/);
  });
});
