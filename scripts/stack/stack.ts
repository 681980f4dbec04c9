// Runs a planned stack: starts every child, waits until each answers, and stops or restarts
// them on request. Used by `npm start` and by the end-to-end tests, which plan their own ports.
import { spawnChild, type ChildExit, type RunningChild } from "./child";
import type { ChildName, ChildSpec } from "./stack-children";
import { waitUntilReady } from "./wait-ready";

export type StackOptions = {
  write: (line: string) => void;
  /** A child ended without being asked to (a crash, or the VM's idle exit). */
  onUnexpectedExit?: (name: ChildName, exit: ChildExit) => void;
  readyTimeoutMs?: number;
  /** Longer than the VM's own grace for its CLI processes (5 s), so it can end runs cleanly. */
  stopGraceMs?: number;
};

export type Stack = {
  /** Resolves once every child answers; otherwise stops them all and rejects with a StackStartError. */
  ready: Promise<void>;
  child(name: ChildName): RunningChild | undefined;
  /** Stops one child (SIGTERM to its group) and starts it again with the same settings. */
  restart(name: ChildName): Promise<void>;
  stop(): Promise<void>;
};

export class StackStartError extends Error {
  override readonly name = "StackStartError";
}

export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not start: ${exit.error}`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

export function launchStack(specs: ChildSpec[], options: StackOptions): Stack {
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  const stopGraceMs = options.stopGraceMs ?? 10_000;
  const running = new Map<ChildName, RunningChild>();
  /** One stop per child, shared by every caller: a failed start, a restart and the owner's stop may overlap. */
  const stopping = new Map<RunningChild, Promise<void>>();

  const launch = (spec: ChildSpec): RunningChild => {
    const child = spawnChild(spec, options.write);
    running.set(spec.name, child);
    void child.exited.then((exit) => {
      if (!stopping.has(child)) options.onUnexpectedExit?.(spec.name, exit);
    });
    return child;
  };
  const ready = async (spec: ChildSpec, child: RunningChild): Promise<string | null> => {
    const outcome = await waitUntilReady(spec.readyUrl, { timeoutMs: readyTimeoutMs, exited: child.hasExited });
    if (outcome === "ready") return null;
    if (outcome === "timeout") return `${spec.name}: no answer from ${spec.readyUrl} after ${readyTimeoutMs / 1000} s`;
    if (typeof outcome === "object") return `${spec.name}: ${spec.readyUrl} answered 503: ${outcome.refused}`;
    return `${spec.name}: ${describeExit(await child.exited)} before it answered ${spec.readyUrl}`;
  };
  const stopChild = (child: RunningChild): Promise<void> => {
    let stopped = stopping.get(child);
    if (!stopped) {
      stopped = child.stop(stopGraceMs);
      stopping.set(child, stopped);
    }
    return stopped;
  };
  const stop = async () => {
    await Promise.all([...running.values()].map(stopChild));
  };

  // A spawn that throws (rather than reporting its failure on `exited`) must not strand the
  // children already started: they are stopped and `ready` rejects.
  const started: Array<{ spec: ChildSpec; child: RunningChild }> = [];
  let launchError: unknown = null;
  try {
    for (const spec of specs) started.push({ spec, child: launch(spec) });
  } catch (error) {
    launchError = error;
  }
  const allReady = (async () => {
    const problems =
      launchError === null
        ? (await Promise.all(started.map(({ spec, child }) => ready(spec, child)))).filter((p) => p !== null)
        : [`${specs[started.length]?.name}: could not start: ${launchError instanceof Error ? launchError.message : String(launchError)}`];
    if (problems.length === 0) return;
    await stop();
    throw new StackStartError(problems.join("; "));
  })();

  return {
    ready: allReady,
    child: (name) => running.get(name),
    stop,
    async restart(name) {
      const spec = specs.find((s) => s.name === name);
      const current = running.get(name);
      if (!spec || !current) throw new Error(`no child named ${name} in this stack`);
      await stopChild(current);
      const problem = await ready(spec, launch(spec));
      if (problem) throw new StackStartError(problem);
    },
  };
}
