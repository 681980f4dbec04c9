// A run as the units that hold one see it: what they read of it (`RunView`) and what they may ask
// of it (`Run`). Types only, here below every folder, so the bridges, the file staging and the
// relay tools can take a run without importing runs/, which builds it (runs/run.ts) and uses them.
import type { RunErrorCode, VmRunEvent } from "../../../src/protocol/vm/runs";
import type { Admission, RunAsk } from "./run-phase";
import type { RunInput } from "./run-tracker";

export type RunView = {
  readonly id: string;
  readonly userKey: string;
  eventsAfter(seq: number): VmRunEvent[];
  /** Its terminal event is out (phase `finished`). */
  isFinished(): boolean;
  /** Called with each new event; returns the unsubscribe function. */
  subscribe(listener: (event: VmRunEvent) => void): () => void;
};

export type Run = RunView & {
  /** The workspace directory the run works in (the CLI's working directory). */
  readonly cwd: string;
  /** Why the VM is stopping this run's CLI, if it is (cancel, time limit, shutdown). */
  stopRequest: { code: RunErrorCode; message: string } | null;
  /** What the run does with `ask` now (run-phase.ts): every caller asks here, none reads flags. */
  admits(ask: RunAsk): Admission;
  /** Steps the tracker; returns a stop the run asks for (auth failure, unknown session). */
  feed(input: RunInput): RunErrorCode | null;
  /** Ends the run at once, before or without a CLI (busy, an invalid session id). */
  failNow(code: RunErrorCode, message: string): void;
  /**
   * Starts the checkpoint before the run if it has not started (the first call; later calls give
   * the same promise), and settles once it is recorded or given up on (at once without checkpoints).
   */
  checkpointed(): Promise<void>;
  onFinished(callback: () => void): void;
};
