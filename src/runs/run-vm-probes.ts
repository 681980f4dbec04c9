// The runs unit asking after the VM: its health check after a stream dropped, again while a run
// waits out its retry (run-lifecycle.ts, probeAgainAt), and the VM's signed wake that says it is
// back (protocol/vm/wake.ts). Part of run-driver.ts; what this instance asked is in memory (an
// eviction asks again).
import type { RunFailure } from "../messages/run-failure";
import { probeAgainAt, type Run, stepRun } from "./run-lifecycle";
import { DROP_PROBE_TIMEOUT_MS, probesVm, type VmProbe } from "./run-failures";
import { applyStep } from "./run-effects";
import { stepTime } from "../shared/step-time";
import type { Wake } from "../protocol/vm/wake";
import type { RunDriverDeps } from "./run-driver-deps";
import type { RunStep } from "./run-stream";

export function createVmProbes(d: RunDriverDeps) {
  /** When this instance last asked the VM about each run waiting for its retry (or saw it fail): in memory, an eviction asks again. */
  const lastProbe = new Map<string, number>();
  /** When the runs waiting out a retry have the VM asked again (run-lifecycle.ts, probeAgainAt). */
  const probeTimes = (unread: readonly Run[], now: number) => unread.map((r) => probeAgainAt(r, lastProbe.get(r.id) ?? null, now));

  /** The VM's health check, bounded: healthy in time, or not (a Machine not known to be started is not asked: a probe would start it). */
  const probe = async (run: Run): Promise<VmProbe> => {
    const health = d.vm?.ready() ? await d.vm.health(DROP_PROBE_TIMEOUT_MS) : ({ ok: false, failure: "unreachable" } as const);
    const answered = health.ok && health.problem === null;
    d.log("run_probe", { runId: run.id, vmRunId: run.vmRunId, answered, ...(health.ok ? { ms: health.ms } : { failure: health.failure }) });
    return answered ? "answered" : "silent";
  };

  /** The probe a failure asks for (run-lifecycle.ts, probesVm); the streak is the stored row's. */
  const probeAfter = async (runId: string, failure: RunFailure, dropped: boolean): Promise<VmProbe | undefined> => {
    const stored = d.runs.get(runId);
    return stored && probesVm(failure, dropped, stored.transportFailures) ? probe(stored) : undefined;
  };

  /** Asks the VM again for a run waiting out its retry: back and healthy, the retry is due now. */
  const probeWaiting = async (run: Run, now: number): Promise<RunStep> => {
    lastProbe.set(run.id, now);
    const present = stepTime(now, d.clock);
    if ((await probe(run)) === "silent") {
      // A Machine that went away meanwhile is left to its connect phase.
      if (!d.vm?.ready()) lastProbe.delete(run.id);
      return { kind: "changed" };
    }
    d.transaction(() => {
      const fresh = d.runs.get(run.id);
      applyStep(d, fresh, stepRun(fresh, d.messages.pending(), { type: "vm_answered" }, present()), present());
    });
    return { kind: "changed" };
  };

  /**
   * The VM's signed wake: each unread run it names (none named: every run) is taken up now: one
   * that waits out a retry is due now; and after `reader_gone`, one already due that nobody reads
   * needs only the pump. Returns how many; a repeat finds none waiting.
   */
  const woke = (vmRunIds: readonly string[], reason: Wake["reason"], reads: (runId: string) => boolean, now: number): number => {
    const present = stepTime(now, d.clock);
    const named = (r: Run) => vmRunIds.length === 0 || vmRunIds.includes(r.vmRunId);
    const unread = d.runs.openAll().filter((r) => !reads(r.id) && named(r));
    let woken = reason === "reader_gone" ? unread.filter((r) => r.nextAttemptAt <= now).length : 0;
    const waiting = unread.filter((r) => r.nextAttemptAt > now);
    d.transaction(() => {
      for (const run of waiting) {
        const step = stepRun(run, d.messages.pending(), { type: "vm_answered", woke: true }, present());
        if (step.run?.nextAttemptAt === run.nextAttemptAt) continue;
        applyStep(d, run, step, present());
        lastProbe.set(run.id, now);
        woken++;
      }
    });
    return woken;
  };

  return { lastProbe, probeTimes, probeAfter, probeWaiting, woke };
}
