// A run's phase on the VM and what each phase takes: the one place that decides whether a run
// accepts input, an approval request, a relay tool call, a model request, a cancel or an undo.
// Pure; the shell (run.ts, run-manager.ts, the bridges, the credential proxy) only applies it.

/**
 * - `starting`: its workspace is being recorded (the checkpoint before it); its process may
 *   already be starting and asking the model, but no answer of the model reaches it yet, so no
 *   tool runs before the checkpoint is recorded.
 * - `live`: the checkpoint is recorded (or could not be, and the run goes on without one).
 * - `ending`: every turn is answered, or the run failed; its terminal event waits for the
 *   checkpoint after it. It takes nothing new: a follow-up goes into the next run.
 * - `finished`: its terminal event is out.
 */
export type RunPhase = "starting" | "live" | "ending" | "finished";

export type RunAsk =
  /** A follow-up from the relay (`POST …/input`). */
  | "input"
  /** The CLI's permission prompt asks before a tool runs. */
  | "approval_request"
  /** The agent calls a relay tool (send_file, schedules). */
  | "tool_call"
  /** The agent's process calls the model through the credential proxy. */
  | "model_request"
  /** `/stop`, a time limit or the VM's shutdown. */
  | "cancel"
  /** The user's /undo or /redo of the run's workspace. */
  | "undo";

export type Admission =
  | { kind: "accept" }
  /** Taken, but what answers it (the model's answer) waits for the checkpoint before the run. */
  | { kind: "hold" }
  /** Taken once the run is finished (its change recorded): /undo right after the reply. */
  | { kind: "after_end" }
  /** Nothing to do: the run is over or already being stopped. */
  | { kind: "ignore" }
  | { kind: "refuse"; reason: string };

export type PhaseView = {
  phase: RunPhase;
  /** The VM is stopping the run's CLI (cancel, time limit, shutdown): it takes nothing new. */
  stopping: boolean;
};

const ACCEPT: Admission = { kind: "accept" };
const ENDING = "the run is ending";

/** What a run in `view` does with `ask`. */
export function admit(view: PhaseView, ask: RunAsk): Admission {
  const { phase, stopping } = view;
  const over = phase === "ending" || phase === "finished";
  switch (ask) {
    case "input":
      // A follow-up at the run's end goes into the next run: the relay keeps it queued.
      if (over) return { kind: "refuse", reason: "the run has ended; start a new one" };
      return stopping ? { kind: "refuse", reason: "the run is being stopped" } : ACCEPT;
    case "approval_request":
    case "tool_call":
      if (over || stopping) return { kind: "refuse", reason: ENDING };
      return ACCEPT;
    case "model_request":
      if (over) return { kind: "refuse", reason: "this agent's proxy token is not valid now (no live run)" };
      // A stop under way is passed too: its signal ends the CLI, while a refusal would reach the
      // CLI first and end the run as an authentication failure instead of the stop it is.
      return phase === "starting" ? { kind: "hold" } : ACCEPT;
    case "cancel":
      return over || stopping ? { kind: "ignore" } : ACCEPT;
    case "undo":
      if (phase === "finished") return ACCEPT;
      // The user holds the run's reply: the undo waits the moment its change takes to record.
      if (phase === "ending") return { kind: "after_end" };
      return { kind: "refuse", reason: "a run is in progress in this workspace" };
  }
}

export type PhaseEvent =
  /** The checkpoint before the run is recorded, or given up on. */
  | { type: "checkpointed" }
  /** Every turn is answered, or the run failed: its terminal event waits for its change. */
  | { type: "concluded" }
  /** Its change is recorded (or there is none to wait for): the terminal event goes out. */
  | { type: "ended" };

/** The next phase; an event that does not apply in a phase leaves it as it is. */
export function nextPhase(phase: RunPhase, event: PhaseEvent): RunPhase {
  switch (event.type) {
    case "checkpointed":
      return phase === "starting" ? "live" : phase;
    case "concluded":
      return phase === "starting" || phase === "live" ? "ending" : phase;
    case "ended":
      return phase === "ending" ? "finished" : phase;
  }
}
