// The table of what a failed run means: retry (when, and on which session) or give up and say what. Consulted by stepRun (run-lifecycle.ts) only.
import type { ConfigProblemReason } from "../protocol/vm/health";
import type { RunErrorCode } from "../protocol/vm/runs";
import { DISPATCH_RETRY_DELAYS_MS, nextRetryAt } from "./backoff";

/** Failures seen by the relay itself, before the VM said how the run ended. */
export type TransportFailure = "unreachable" | "http_error" | "bad_stream" | "unknown_run";
/** `reason`: what only the operator can fix, with `misconfigured` and `auth_failed` (the VM's word). */
export type RunFailure = { kind: "transport"; reason: TransportFailure } | { kind: "vm"; code: RunErrorCode; reason?: ConfigProblemReason };

/** `vm_unfit`: the VM's machine withholds what it needs to run any agent (its capabilities). */
export type GiveUpReason = "failed_after_retries" | "interrupted" | "auth_failed" | "misconfigured" | "vm_unfit" | "time_limit" | "cancelled";

export type FailureDecision =
  /** Try the same VM run again (the VM dedupes by run id, so this never starts a second run). */
  | { action: "retry_same"; at: number }
  /** Start a new VM run for the same messages: the VM never ran the CLI on them (busy), or lost the session. */
  | { action: "retry_new"; at: number; freshSession: boolean }
  /**
   * The run was cut off (a crash, a VM restart, a stream lost beyond recovery): it ends, and the
   * messages it had not answered go into the next run once (core/message-lifecycle.ts).
   */
  | { action: "cut" }
  | { action: "give_up"; reason: GiveUpReason };

export type RunProgress = {
  /** VM runs started for this batch so far (1 for the first). */
  vmAttempt: number;
  /** Consecutive transport failures of the current VM run. */
  transportFailures: number;
  /** The VM run streamed events: the CLI was started on its messages. */
  streamed: boolean;
  freshRetryUsed: boolean;
};

/** Six attempts in all: the first, then 5 s, 10 s, 20 s, 40 s and 80 s later. */
export function decideOnFailure(failure: RunFailure, run: RunProgress, now: number): FailureDecision {
  if (failure.kind === "transport") {
    // The VM forgot the run (it restarted on a new volume, or lost its log): what it did is unknowable.
    if (failure.reason === "unknown_run") return { action: "cut" };
    const at = nextRetryAt(run.transportFailures + 1, now, DISPATCH_RETRY_DELAYS_MS);
    if (at !== null) return { action: "retry_same", at };
    // Never reached: the CLI never had the messages. Reached once: the stream is lost beyond recovery.
    return run.streamed ? { action: "cut" } : { action: "give_up", reason: "failed_after_retries" };
  }
  switch (failure.code) {
    case "cancelled":
      return { action: "give_up", reason: "cancelled" };
    case "auth_failed":
      return { action: "give_up", reason: "auth_failed" };
    // The VM cannot run its CLI at all: every retry would fail the same way until the operator acts.
    case "misconfigured":
      return { action: "give_up", reason: failure.reason === "missing_capabilities" ? "vm_unfit" : "misconfigured" };
    case "time_limit":
      return { action: "give_up", reason: "time_limit" };
    // The CLI could not resume the session and read nothing: once more on a fresh one.
    case "unknown_session":
      return run.freshRetryUsed ? { action: "give_up", reason: "failed_after_retries" } : { action: "retry_new", at: now, freshSession: true };
    case "cli_crashed":
    case "vm_restarted":
      return { action: "cut" };
    // Refused before any CLI started: retried without counting as a hand to the CLI.
    case "busy": {
      const at = nextRetryAt(run.vmAttempt, now, DISPATCH_RETRY_DELAYS_MS);
      return at === null ? { action: "give_up", reason: "failed_after_retries" } : { action: "retry_new", at, freshSession: false };
    }
  }
}
