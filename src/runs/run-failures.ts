// What a run's failure means, decided in one table (decideOnFailure): retry the same VM run, start
// a new one, cut the run, give up and say why, or hold while the model gives no answer; and when a
// dropped stream has the VM's health asked first (probesVm, probesAgain, transportRetryAt). Pure:
// part of run-lifecycle.ts, whose stepRun applies the decision to the run and its messages.
import type { ConfigProblemReason } from "../protocol/vm/health";
import { DISPATCH_RETRY_DELAYS_MS, nextRetryAt } from "../shared/backoff";
import type { ModelHold } from "../usage/model-pause";
import type { GiveUpReason, RunFailure } from "../messages/run-failure";

/** What of a run its failure's decision reads: run-lifecycle.ts's Run, by the same names. */
export type FailingRun = { phase: "waiting" | "streaming" | "finished"; transportFailures: number; freshRetryUsed: boolean; vmAttempt: number };

/**
 * The VM's health check right after a dropped stream, bounded (DROP_PROBE_TIMEOUT_MS): `answered`,
 * healthy and in time; `silent`, not in time, unreachable or unfit. Absent: no probe was made.
 */
export type VmProbe = "answered" | "silent";
/** A dropped stream's probe: a healthy VM answers in milliseconds, one that is down costs the retry no more than this. */
export const DROP_PROBE_TIMEOUT_MS = 1_500;

/**
 * A run waiting out the first failures of a streak has the VM asked again this often: the VM back
 * (a restart takes seconds) brings the retry forward, rather than the rest of a 5, 10 or 20 s wait.
 */
export const PROBE_AGAIN_MS = 1_000;
/**
 * Only the streak's first three failures (their 5, 10 and 20 s waits) are probed again: a VM that
 * answers and still fails keeps the backoff, and one that crashes again and again still has the
 * last two waits (40 and 80 s) before the run gives up. The third is probed because a VM that
 * crashed twice in a row (the first retry met the second crash) is back within seconds; unprobed,
 * its run waited out the 20 s (the soak of 2026-11-29 07:35: a reply 13 s later than the VM's return).
 */
export const PROBED_FAILURES = 3;

/** What the VM's machine withholds from every run: the user is told the machine is unfit, not misconfigured. */
const MACHINE_UNFIT: ReadonlySet<ConfigProblemReason> = new Set(["missing_capabilities", "shared_proc", "fly_api_open"]);

export type FailureDecision =
  /** Try the same VM run again (the VM dedupes by run id, so this never starts a second run). */
  | { action: "retry_same"; at: number }
  /** Start a new VM run for the same messages: the VM never ran the CLI on them (busy), or lost the session. */
  | { action: "retry_new"; at: number; freshSession: boolean; modelRefused?: boolean }
  /**
   * The run was cut off (a crash, a VM restart, a stream lost beyond recovery): it ends, and the
   * messages it had not answered go into the next run once (messages/message-lifecycle.ts).
   */
  | { action: "cut" }
  | { action: "give_up"; reason: GiveUpReason }
  /**
   * The model gave no answer (a limit, an outage): the run ends, its messages wait in the queue,
   * and nothing starts until the pause ends (usage/model-pause.ts). Not a retry: nothing is spent
   * asking a model that said no before it said when.
   */
  | { action: "hold"; hold: ModelHold };


/**
 * Whether a failure is worth a probe of the VM's health before its retry is planned: a stream that
 * dropped (`dropped`: it ended or broke before the run did, or its heartbeat stopped; never a line
 * the relay refused), the first failure of its streak. The VM may be well (the blip was the
 * connection's, or the reader's), and then the run's events are read again at once from where they stopped.
 */
export const probesVm = (failure: RunFailure, dropped: boolean, transportFailures: number): boolean =>
  dropped && failure.kind === "transport" && failure.reason === "bad_stream" && transportFailures === 0;

/**
 * Whether the wait after a failure has the VM asked again (probeAgainAt): the VM did not answer
 * (unreachable) or its stream dropped. A VM that answered and refused (5xx) or sent lines the
 * relay refused is not asked: its health says nothing new, and its backoff stays.
 */
export const probesAgain = (failure: RunFailure, dropped: boolean): boolean =>
  failure.kind === "transport" && (failure.reason === "unreachable" || (dropped && failure.reason === "bad_stream"));

/**
 * When a transport failure is retried, or null once the attempts are used up: at once after a
 * dropped stream whose probe the VM answered (probesVm); else the backoff, counted from 1 for the
 * streak's first failure. A second drop in a row waits as before: the probe never loops.
 */
export function transportRetryAt(failure: RunFailure, transportFailures: number, probe: VmProbe | undefined, now: number): number | null {
  // A probe is made only after a drop (probesVm): an answered one is the drop's.
  if (probe === "answered" && probesVm(failure, true, transportFailures)) return now;
  return nextRetryAt(transportFailures + 1, now, DISPATCH_RETRY_DELAYS_MS);
}

/**
 * What a failure means: retry (when, and on which session) or give up and say what. Six attempts in
 * all: the first, then 5 s, 10 s, 20 s, 40 s and 80 s later (the first at once after a dropped
 * stream the VM's probe says it can serve: transportRetryAt). A run that streamed had its messages
 * read by the CLI.
 */
export function decideOnFailure(failure: RunFailure, run: FailingRun, now: number, probe?: VmProbe): FailureDecision {
  if (failure.kind === "transport") {
    // The VM forgot the run (it restarted on a new volume, or lost its log): what it did is unknowable.
    if (failure.reason === "unknown_run") return { action: "cut" };
    const at = transportRetryAt(failure, run.transportFailures, probe, now);
    if (at !== null) return { action: "retry_same", at };
    // Never reached: the CLI never had the messages. Reached once: the stream is lost beyond recovery.
    return run.phase === "streaming" ? { action: "cut" } : { action: "give_up", reason: "failed_after_retries" };
  }
  switch (failure.code) {
    case "cancelled":
      return { action: "give_up", reason: "cancelled" };
    case "auth_failed":
      return { action: "give_up", reason: "auth_failed" };
    // The VM cannot run its CLI at all: every retry would fail the same way until the operator acts.
    case "misconfigured":
      return { action: "give_up", reason: failure.reason !== undefined && MACHINE_UNFIT.has(failure.reason) ? "vm_unfit" : "misconfigured" };
    case "time_limit":
      return { action: "give_up", reason: "time_limit" };
    // The CLI could not resume the session and read nothing: once more on a fresh one.
    case "unknown_session":
      return run.freshRetryUsed ? { action: "give_up", reason: "failed_after_retries" } : { action: "retry_new", at: now, freshSession: true };
    case "cli_crashed":
    case "vm_restarted":
      return { action: "cut" };
    case "model_limit":
      return { action: "hold", hold: { kind: "limit", resetsAt: failure.resetsAt ?? null, limit: failure.limit ?? null } };
    case "model_unavailable":
      return { action: "hold", hold: { kind: "unavailable" } };
    // The conversation's model is refused: once more at once, with the default (the CLI read nothing).
    case "model_not_found": {
      const at = nextRetryAt(run.vmAttempt, now, DISPATCH_RETRY_DELAYS_MS);
      return at === null ? { action: "give_up", reason: "failed_after_retries" } : { action: "retry_new", at: now, freshSession: false, modelRefused: true };
    }
    // Refused before any CLI started: retried without counting as a hand to the CLI.
    case "busy": {
      const at = nextRetryAt(run.vmAttempt, now, DISPATCH_RETRY_DELAYS_MS);
      return at === null ? { action: "give_up", reason: "failed_after_retries" } : { action: "retry_new", at, freshSession: false };
    }
  }
}
