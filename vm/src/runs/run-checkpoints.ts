// When a run's checkpoints are taken: the one before it once its process first asks the model,
// the one after it when it ends (bounded at SIGTERM, so the terminal event is not held up long).
import type { RunChange } from "../../../src/protocol/vm/changes";
import type { Checkpoints } from "../checkpoints/checkpoints";
import type { ManagerDeps } from "./manager-deps";

/** At SIGTERM, how long a run's terminal event waits for the checkpoint after it. */
export const SHUTDOWN_CHECKPOINT_MS = 3_000;
export const wait = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());

export type RunCheckpointInput = {
  checkpoints: Pick<Checkpoints, "before" | "after"> | undefined;
  /** The user's directories being made; null: the run is refused, and nothing is recorded before it. */
  dirs: Promise<void> | null;
  userKey: string;
  workspace: string;
  runId: string;
  onTiming: ManagerDeps["onTiming"];
  shuttingDown: () => boolean;
};

/**
 * The checkpoint before the run, off the path to the model: it starts when the run's process
 * first asks the model (through the credential proxy, which holds the answers until it is
 * recorded: the run is `starting`), so its git work does not slow the process on its way to
 * that request, and runs while the model thinks. Without the proxy nothing would hold the
 * answers, so it starts at once. A run that never asked the model has it taken at its end.
 */
export function runCheckpoints(input: RunCheckpointInput): {
  checkpointBefore: (() => Promise<boolean>) | null;
  changeAtEnd: (() => Promise<RunChange | null>) | undefined;
} {
  const { checkpoints, dirs, userKey, workspace, runId } = input;
  let before: Promise<boolean> | null = null;
  const recordBefore = async (): Promise<boolean> => {
    try {
      await dirs;
      input.onTiming?.(runId, "checkpoint_started", performance.now());
      await checkpoints?.before(userKey, workspace, runId);
      return true;
    } catch (error) {
      // The run goes on without one: it cannot be undone, and says no change.
      console.error(`vm: run ${runId}: no checkpoint before it: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  const checkpointBefore = checkpoints && dirs ? () => (before ??= recordBefore()) : null;
  const changeAtEnd = checkpoints
    ? async () => {
        input.onTiming?.(runId, "change_started", performance.now());
        if (!checkpointBefore || !(await checkpointBefore())) return null;
        const change = checkpoints.after(userKey, workspace, runId).finally(() => input.onTiming?.(runId, "change_recorded", performance.now()));
        // SIGTERM: the terminal event is written before the VM goes, with or without its change.
        return input.shuttingDown() ? Promise.race([change, wait(SHUTDOWN_CHECKPOINT_MS, null)]) : change;
      }
    : undefined;
  return { checkpointBefore, changeAtEnd };
}
