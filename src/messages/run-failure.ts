// How a run can fail, and why the relay gave up on one: the words shared by the run's lifecycle
// (run-lifecycle.ts decides what each failure means), the VM client, the messages and the notices.
import type { ConfigProblemReason } from "../protocol/vm/health";
import type { RunErrorCode } from "../protocol/vm/runs";

/** Failures seen by the relay itself, before the VM said how the run ended. */
export type TransportFailure = "unreachable" | "http_error" | "bad_stream" | "unknown_run";
/** `reason`: what only the operator can fix, with `misconfigured` and `auth_failed` (the VM's word). */
export type RunFailure =
  | { kind: "transport"; reason: TransportFailure }
  /** `resetsAt`, `limit`: with `model_limit`, when the model said when and which. */
  | { kind: "vm"; code: RunErrorCode; reason?: ConfigProblemReason; resetsAt?: number; limit?: string };

/** `vm_unfit`: the VM's machine withholds what it needs to run any agent (its capabilities). */
export type GiveUpReason = "failed_after_retries" | "interrupted" | "auth_failed" | "misconfigured" | "vm_unfit" | "time_limit" | "cancelled";
