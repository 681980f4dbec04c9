// One run's events: numbered, written to its log, then handed to every open stream. Its state
// machine is the pure run tracker; this shell only numbers, persists and notifies.
import type { RunChange, RunErrorCode, VmRunEvent } from "../../src/protocol/vm-protocol";
import { newRunState, stepRun, type EventBody, type RunInput, type RunState } from "./core/run-tracker";
import type { RunLog } from "./run-log";

export type RunView = {
  readonly id: string;
  readonly userKey: string;
  eventsAfter(seq: number): VmRunEvent[];
  isFinished(): boolean;
  /** Called with each new event; returns the unsubscribe function. */
  subscribe(listener: (event: VmRunEvent) => void): () => void;
};

export type Run = RunView & {
  /** The workspace directory the run works in (the CLI's working directory). */
  readonly cwd: string;
  /** Why the VM is stopping this run's CLI, if it is (cancel, time limit, shutdown). */
  stopRequest: { code: RunErrorCode; message: string } | null;
  /** Steps the tracker; returns a stop the run asks for (auth failure, unknown session). */
  feed(input: RunInput): RunErrorCode | null;
  /** Ends the run at once, before or without a CLI (busy, an invalid session id). */
  failNow(code: RunErrorCode, message: string): void;
  onFinished(callback: () => void): void;
};

/**
 * `changeAtEnd`: what the run changed in its workspace (checkpoints.ts), asked once it ended; its
 * terminal event waits for the answer and carries it, and the run counts as finished only then.
 * `secrets`: values its tool calls are redacted of.
 */
export function createRun(id: string, userKey: string, cwd: string, log: RunLog, changeAtEnd?: () => Promise<RunChange | null>, secrets: readonly string[] = []): Run {
  const events: VmRunEvent[] = [];
  const listeners = new Set<(event: VmRunEvent) => void>();
  const finishedCallbacks: Array<() => void> = [];
  let state: RunState = newRunState(cwd, null, secrets);
  /** The terminal event is waiting for the run's change. */
  let ending = false;

  function emit(bodies: EventBody[]): void {
    for (const body of bodies) {
      const event = { seq: events.length + 1, ...body } as VmRunEvent;
      log.append(id, event);
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  }

  function finish(): void {
    listeners.clear();
    for (const callback of finishedCallbacks.splice(0)) callback();
  }

  function settle(bodies: EventBody[], wasFinished: boolean): void {
    if (wasFinished || !state.finished) return emit(bodies);
    const end = bodies.findIndex((body) => body.type === "done" || body.type === "error");
    if (!changeAtEnd || end < 0) {
      emit(bodies);
      return finish();
    }
    emit(bodies.slice(0, end));
    ending = true;
    const rest = bodies.slice(end);
    void changeAtEnd()
      .catch((error: unknown) => {
        console.error(`vm: run ${id}: no checkpoint after it: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      })
      .then((change) => {
        const [terminal, ...after] = rest;
        emit([change && terminal ? ({ ...terminal, change } as EventBody) : terminal, ...after].filter((body): body is EventBody => body !== undefined));
        ending = false;
        finish();
      });
  }

  return {
    id,
    userKey,
    cwd,
    stopRequest: null,
    eventsAfter: (seq) => events.filter((e) => e.seq > seq),
    isFinished: () => state.finished && !ending,
    subscribe(listener) {
      if (state.finished && !ending) return () => {};
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    feed(input) {
      const wasFinished = state.finished;
      const step = stepRun(state, input);
      state = step.state;
      settle(step.events, wasFinished);
      return step.stop;
    },
    failNow(code, message) {
      const wasFinished = state.finished;
      const step = stepRun(state, { type: "exited", stopCode: code, message });
      state = step.state;
      settle(step.events, wasFinished);
    },
    onFinished(callback) {
      if (state.finished && !ending) callback();
      else finishedCallbacks.push(callback);
    },
  };
}

/** A finished run read back from its log (after a restart, or once dropped from memory). */
export function loggedRunView(id: string, userKey: string, events: VmRunEvent[]): RunView {
  return {
    id,
    userKey,
    eventsAfter: (seq) => events.filter((e) => e.seq > seq),
    isFinished: () => true,
    subscribe: () => () => {},
  };
}
