// A stack whose start fails part way stops the children it had already started, and stops that
// overlap (its own after a failed start, its owner's release) share one stop per child.
import { expect, it } from "vitest";
import { isAlive } from "../../emulator/tools/process-tree";
import { launchStack, StackStartError } from "../../scripts/stack/stack";
import type { ChildName, ChildSpec } from "../../scripts/stack/stack-children";

/** Runs until stopped, or until this test's process is gone, so a failing test leaves it behind for a moment at most. */
const SLEEPER = "const parent = process.ppid; setInterval(() => process.ppid === parent || process.exit(), 200);";

function sleeper(name: ChildName, env: Record<string, string> = {}): ChildSpec {
  return {
    name,
    command: process.execPath,
    args: ["-e", SLEEPER],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "", ...env },
    readyUrl: "http://127.0.0.1:9/never",
  };
}

it("a child that cannot even be spawned: the ones started before it are stopped and ready rejects", { timeout: 30_000 }, async () => {
  // A NUL byte in the environment makes spawn() throw instead of reporting on `exited`.
  const stack = launchStack([sleeper("worker"), sleeper("vm", { BROKEN: "a\0b" })], { write: () => {}, stopGraceMs: 1_000 });
  const worker = stack.child("worker")!;
  expect(worker.pid).toBeGreaterThan(0);

  await expect(stack.ready).rejects.toThrow(StackStartError);
  await expect(stack.ready).rejects.toThrow(/^vm: could not start: /);
  expect(isAlive(worker.pid)).toBe(false);
  expect(stack.child("vm")).toBeUndefined();
  await stack.stop();
});

it("overlapping stops end with every child gone, and ready then rejects", { timeout: 30_000 }, async () => {
  const stack = launchStack([sleeper("worker"), sleeper("twilio")], { write: () => {}, readyTimeoutMs: 60_000, stopGraceMs: 1_000 });
  const pids = [stack.child("worker")!.pid, stack.child("twilio")!.pid];
  await Promise.all([stack.stop(), stack.stop()]);
  await expect(stack.ready).rejects.toThrow(StackStartError);
  expect(pids.filter(isAlive)).toEqual([]);
  await stack.stop();
});
