// The runs unit: drives this phone's agent runs against the VM one step at a time. Several
// conversations run at once (one run each, up to MAX_PARALLEL_RUNS: runs/run-slots.ts): a step
// starts a batch (run-batches.ts), reaches the Machine and opens a run's event stream (run-open.ts,
// with what run-input.ts gives it), asks after a VM that went quiet (run-vm-probes.ts), or reads
// every open stream until something changes in one (run-stream.ts), and says what happened; the
// object then does whatever else is due and steps again.
// It does the I/O only: every change of a run is decided by runs/run-lifecycle.ts and applied by
// run-effects. Each event is applied exactly once (its seq is stored with its effect).
import { earliest, runsDueAt } from "../shared/wake-plan";
import type { RunFailure } from "../messages/run-failure";
import type { Run } from "./run-lifecycle";
import { probesAgain } from "./run-failures";
import { applyFailure } from "./run-effects";
import { stepTime } from "../shared/step-time";
import { createRunBatches } from "./run-batches";
import type { Wake } from "../protocol/vm/wake";
import type { RunDriverDeps } from "./run-driver-deps";
import { createStreamReader, type Observed, type Reading, type RunStep } from "./run-stream";
import { createRunOpening } from "./run-open";
import { createVmProbes } from "./run-vm-probes";

export type { RunDriverDeps } from "./run-driver-deps";
export type { Observed, RunStep } from "./run-stream";

export function createRunDriver(d: RunDriverDeps) {
  const observed: Observed = { progress: null, progressByRun: new Map(), vm: null };
  const batches = createRunBatches(d);
  const probes = createVmProbes(d);
  const { lastProbe, probeTimes } = probes;
  /** The streams this instance reads, by run: one per live run. */
  const lives: Reading["lives"] = new Map();
  /** A wake that came while no stream was read (between steps), and the signal to the read going. */
  const wake: Reading["wake"] = { pending: false, signal: null };

  /** Lets go of one run's stream, or of every one (the pump ends). */
  const close = (runId?: string): void => {
    for (const [id, s] of lives) {
      if (runId !== undefined && id !== runId) continue;
      s.abort.abort();
      lives.delete(id);
    }
    if (lives.size === 0) wake.signal = null;
  };

  /** `dropped`: the stream ended or broke before the run did, or its heartbeat stopped (run-lifecycle.ts, probesVm). */
  const fail = async (run: Run, failure: RunFailure, detail: string, now: number, dropped = false): Promise<RunStep> => {
    close(run.id);
    // A stream that dropped: a VM that answers its health check at once is read again at once, not after 5 s.
    const probed = await probes.probeAfter(run.id, failure, dropped);
    // A VM that did not answer: the wait's next probe comes PROBE_AGAIN_MS after the failure.
    // Never a Machine not known to be started: a probe would start it, and its connect phase has its own deadline.
    if (probesAgain(failure, dropped) && d.vm?.ready()) lastProbe.set(run.id, now);
    else lastProbe.delete(run.id);
    const step = d.transaction(() => applyFailure(d, run.id, failure, now, { message: detail }, probed));
    // Its run_decision line names the failure; a run already over decided nothing, so this says it.
    if (!step) d.log("run_failure", { runId: run.id, vmRunId: run.vmRunId, failure, detail });
    // A stream lost beyond recovery may leave the VM run going: it must not go on beside the next run.
    for (const e of step?.effects ?? []) if (e.type === "cancel_vm") await d.vm?.cancel(e.vmRunId);
    return { kind: "changed" };
  };

  const { open, injectQueued, deliverAnswers } = createRunOpening(d, { lives, observed, fail }, batches.ready);
  const read = createStreamReader(d, { lives, observed, wake, close, fail, deliverAnswers, injectQueued });

  /** One step of the runs' work at `now`, the present its caller read. */
  const step = async (now: number, until: number | null): Promise<RunStep> => {
    // A run ended at the relay (/stop, /deny) while its stream was read: nothing more of it is applied.
    for (const [id] of lives) if (d.runs.get(id)?.phase === "finished") close(id);
    // An open run nobody reads (just started, retrying, or left by an instance that died) is taken up when due.
    const unread = d.runs.openAll().filter((r) => !lives.has(r.id));
    const due = unread.find((r) => r.nextAttemptAt <= now);
    if (due) return open(due, now);
    for (const id of lastProbe.keys()) if (!unread.some((r) => r.id === id)) lastProbe.delete(id);
    // A run waiting out a retry: is the VM back yet?
    const asked = probeTimes(unread, now);
    const recheck = unread.find((_r, i) => (asked[i] ?? Infinity) <= now);
    if (recheck) return probes.probeWaiting(recheck, now);
    // A new batch starts beside the runs going, when its conversation is free and the limit allows.
    const started = batches.startNext(now);
    // A notice written: the object sends it before the streams are read again.
    if (started === "told") return { kind: "changed" };
    if (started) return open(started, now);
    const waitingAt = earliest([...unread.map((r) => r.nextAttemptAt), ...asked]);
    if (lives.size > 0) {
      const present = stepTime(now, d.clock);
      // Answers (and timeouts, /stop) decided since the last step reach the VM first.
      for (const s of [...lives.values()]) await deliverAnswers(s.run.vmRunId, present);
      // A run waiting for its next attempt hands the read back when it is due.
      return read(present(), earliest([until, waitingAt]));
    }
    return waitingAt === null ? { kind: "idle" } : { kind: "waiting", at: waitingAt };
  };

  return {
    name: "runs",
    /** Something changed (a message arrived): a stream being read reacts without waiting. */
    wake(): void {
      wake.pending = true;
      wake.signal?.();
    },

    observed: (): Observed => observed,

    /**
     * When the runs are due (shared/wake-plan.ts, runsDueAt): a stream this instance reads is due now.
     * Not kept in due_times: a live stream is a fact of this instance, not of any row, and whether
     * a batch may start depends on the queue and the budget at `now`.
     */
    nextDueAt(now: number): number | null {
      // Whether a batch may start beside the runs open: read only when the queue holds something.
      const queue = () => batches.queueNow(now);
      const open = d.runs.openAll();
      return earliest([runsDueAt({ now, reading: lives.size > 0, runs: open, queue }), ...probeTimes(open.filter((r) => !lives.has(r.id)), now)]);
    },

    /** One step: start or open a run, or read its stream until something changes or `until`. */
    async runDue(now: number, until: number | null): Promise<RunStep> {
      const present = stepTime(now, d.clock);
      const done = await step(now, until);
      // A run ended, told in its own transaction: old rows go then, at most daily (agent/retention.ts), never waking an idle object.
      if (done.kind === "finished") d.transaction(() => d.happened({ kind: "run_ended", at: present() }));
      return done;
    },
    /**
     * The VM's signed wake (protocol/vm/wake.ts): each run it names (none named: every run) that this
     * instance does not read is taken up now: one that waits out a retry is due now; and after
     * `reader_gone`, one already due that nobody reads (the instance that read it died) needs only
     * the pump, not the watchdog's alarm. Returns how many; a repeat finds none waiting.
     */
    vmWoke(vmRunIds: readonly string[], reason: Wake["reason"], now: number): number {
      return probes.woke(vmRunIds, reason, (runId) => lives.has(runId), now);
    },
    /** Lets go of the stream being read (the pump ends); the run itself goes on at the VM. */
    close,
  };
}
export type RunDriver = ReturnType<typeof createRunDriver>;
