// Stopping, written once: /stop (one conversation) and an admin's /deny (everything) both drop
// what is pending through the messages service, deny the open approval prompts, and end the open
// run at once at the relay, whatever its phase, so nothing of it is answered later. Rows only,
// inside the caller's transaction; the VM run to cancel is returned for after it.
import type { Named } from "../../core/message-lifecycle";
import type { RunFailure } from "../../core/run-policy";
import type { RunsRepo } from "../db/runs-repo";
import type { Messages } from "../services/messages";

export type StopDeps = {
  runs: Pick<RunsRepo, "open">;
  lifecycle: Pick<Messages, "stop" | "deny">;
  /** Denies every open approval prompt; returns how many. */
  stopApprovals: (now: number) => number;
  /** Ends a run as a failure would (run-effects' path), here with the VM's own `cancelled`. */
  failRun: (runId: string, failure: RunFailure, now: number) => void;
};

export type Stopped = { stoppedRun: boolean; dropped: Named[]; deniedApprovals: number; cancelVmRunId: string | null };

/** `scope`: the conversation of the open run (or the given one when none is open), or everything. */
export function stopWork(d: StopDeps, scope: { conversationId: number } | "all", now: number): Stopped {
  const run = d.runs.open();
  // Dropped first: the run's end then finds nothing of its own left to carry or to name.
  const dropped = scope === "all" ? d.lifecycle.deny(now) : d.lifecycle.stop(run?.conversationId ?? scope.conversationId, now);
  const deniedApprovals = d.stopApprovals(now);
  if (run) d.failRun(run.id, { kind: "vm", code: "cancelled" }, now);
  return { stoppedRun: run !== null, dropped, deniedApprovals, cancelVmRunId: run?.vmRunId ?? null };
}
