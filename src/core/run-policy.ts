// What the relay does when a run fails: retry (when, and on which session) or give up and say what.
import type { RunErrorCode } from "../protocol/vm-protocol";
import { DISPATCH_RETRY_DELAYS_MS, nextRetryAt } from "./backoff";

/** Failures seen by the relay itself, before the VM said how the run ended. */
export type TransportFailure = "unreachable" | "http_error" | "bad_stream" | "unknown_run";
export type RunFailure = { kind: "transport"; reason: TransportFailure } | { kind: "vm"; code: RunErrorCode };

export type GiveUpReason = "failed_after_retries" | "interrupted" | "auth_failed" | "misconfigured" | "time_limit" | "cancelled";

export type FailureDecision =
  /** Try the same VM run again (the VM dedupes by run id, so this never starts a second run). */
  | { action: "retry_same"; at: number }
  /** Start a new VM run for the same messages. */
  | { action: "retry_new"; at: number; freshSession: boolean }
  | { action: "give_up"; reason: GiveUpReason };

export type RunProgress = {
  /** VM runs started for this batch so far (1 for the first). */
  vmAttempt: number;
  /** Consecutive transport failures of the current VM run. */
  transportFailures: number;
  /** Replies of this batch already in the outbox. */
  results: number;
  freshRetryUsed: boolean;
};

/** Six attempts in all: the first, then 5 s, 10 s, 20 s, 40 s and 80 s later. */
export function decideOnFailure(failure: RunFailure, run: RunProgress, now: number): FailureDecision {
  if (failure.kind === "transport") {
    // The VM forgot the run (a new volume): its outcome is unknowable, so treat it as crashed.
    if (failure.reason === "unknown_run") return retryNewOrGiveUp(run, now);
    const at = nextRetryAt(run.transportFailures + 1, now, DISPATCH_RETRY_DELAYS_MS);
    if (at === null) return { action: "give_up", reason: run.results > 0 ? "interrupted" : "failed_after_retries" };
    return { action: "retry_same", at };
  }
  switch (failure.code) {
    case "cancelled":
      return { action: "give_up", reason: "cancelled" };
    case "auth_failed":
      return { action: "give_up", reason: "auth_failed" };
    // The VM cannot run its CLI at all: every retry would fail the same way until the operator acts.
    case "misconfigured":
      return { action: "give_up", reason: "misconfigured" };
    case "time_limit":
      return { action: "give_up", reason: "time_limit" };
    case "unknown_session":
      if (!run.freshRetryUsed && run.results === 0) return { action: "retry_new", at: now, freshSession: true };
      return retryNewOrGiveUp(run, now);
    case "cli_crashed":
    case "vm_restarted":
    case "busy":
      return retryNewOrGiveUp(run, now);
  }
}

function retryNewOrGiveUp(run: RunProgress, now: number): FailureDecision {
  if (run.results > 0) return { action: "give_up", reason: "interrupted" };
  const at = nextRetryAt(run.vmAttempt, now, DISPATCH_RETRY_DELAYS_MS);
  if (at === null) return { action: "give_up", reason: "failed_after_retries" };
  return { action: "retry_new", at, freshSession: false };
}
