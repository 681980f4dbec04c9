// One run's events: numbered, written to its log, then handed to every open stream. Its state
// machine is the pure run tracker (and its phase, run-phase.ts); this shell only numbers,
// persists, notifies, and asks for the run's change when the tracker says it is ending.
import type { RunChange } from "../../../src/protocol/vm/changes";
import type { RunErrorCode, VmRunEvent } from "../../../src/protocol/vm/runs";
import type { Run, RunView } from "../core/run-handle";
import { admit } from "../core/run-phase";
import { newRunState, stepRun, type EventBody, type RunInput, type RunState } from "../core/run-tracker";
import type { RunLog } from "./run-log";

export type RunHooks = {
  /**
   * Starts the checkpoint before the run the first time it is called, and gives that same promise
   * each time (true when recorded): called by the run's checkpointed(), and by changeAtEnd at the
   * latest. The run is `starting` until it settles. Null: no checkpoints, the run is `live` at once.
   */
  checkpointBefore?: (() => Promise<boolean>) | null;
  /**
   * What the run changed in its workspace (checkpoints.ts), asked once the run is `ending`
   * (after the checkpoint before it settled); its terminal event waits for the answer and
   * carries it, and the run is finished only then.
   */
  changeAtEnd?: () => Promise<RunChange | null>;
  /** Values its tool calls are redacted of. */
  secrets?: readonly string[];
  /** The VM holds the offline model: its results cost nothing (core/credential-proxy.ts's isOfflineModel). */
  offlineModel?: boolean;
};

export function createRun(id: string, userKey: string, cwd: string, log: RunLog, hooks: RunHooks = {}): Run {
  const events: VmRunEvent[] = [];
  const listeners = new Set<(event: VmRunEvent) => void>();
  const finishedCallbacks: Array<() => void> = [];
  let state: RunState = newRunState(cwd, null, hooks.secrets ?? [], hooks.offlineModel ?? false);

  function emit(bodies: EventBody[]): void {
    for (const body of bodies) {
      const event = { seq: events.length + 1, ...body } as VmRunEvent;
      log.append(id, event);
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  }

  function step(input: RunInput): RunErrorCode | null {
    const before = state.phase;
    const next = stepRun(state, input);
    state = next.state;
    emit(next.events);
    if (before !== "ending" && state.phase === "ending") end();
    if (before !== "finished" && state.phase === "finished") {
      listeners.clear();
      for (const callback of finishedCallbacks.splice(0)) callback();
    }
    return next.stop;
  }

  /** The run is `ending`: its terminal event goes out with its change, once that is known. */
  function end(): void {
    const { changeAtEnd } = hooks;
    if (!changeAtEnd) return void step({ type: "ended", change: null });
    void changeAtEnd()
      .catch((error: unknown) => {
        console.error(`vm: run ${id}: no checkpoint after it: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      })
      .then((change) => step({ type: "ended", change }));
  }

  // Recorded or given up on, the run goes on: one without a checkpoint cannot be undone and says no change.
  const { checkpointBefore } = hooks;
  const live = () => void step({ type: "checkpointed" });
  if (!checkpointBefore) live();

  const run: Run = {
    id,
    userKey,
    cwd,
    stopRequest: null,
    // The hook gives the same promise each call: a second call starts nothing, and stepping to live again changes nothing.
    checkpointed: () => (checkpointBefore ? checkpointBefore().then(live, live) : Promise.resolve()),
    admits: (ask) => admit({ phase: state.phase, stopping: run.stopRequest !== null }, ask),
    eventsAfter: (seq) => events.filter((e) => e.seq > seq),
    isFinished: () => state.phase === "finished",
    subscribe(listener) {
      if (state.phase === "finished") return () => {};
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    feed(input) {
      // A run the user cancelled ends as cancelled: a result its CLI still prints while it is being
      // stopped (seen under load, racing the signal) answers nobody any more.
      if (run.stopRequest?.code === "cancelled" && input.type === "result") return null;
      return step(input);
    },
    failNow(code, message) {
      step({ type: "exited", stopCode: code, message });
    },
    onFinished(callback) {
      if (state.phase === "finished") callback();
      else finishedCallbacks.push(callback);
    },
  };
  return run;
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
