// The event runs that wait for a clone (a GitHub event on a repository no conversation had yet, or
// one that came while that clone ran): the unit owns their rows, and is due as soon as the
// conversation is no longer cloning. Then each starts in the order it came, or, when the clone
// failed or was interrupted (the conversation is gone), is refused and the user told which event
// did not start. Kept in SQLite, so an instance that dies during the clone loses none of them.
import type { Log } from "../shared/log";
import type { WaitingEventRunsRepo } from "./waiting-event-runs-repo";
import type { EventRun, EventRunOutcome } from "./event-run";

export type WaitingEventRunsDeps = {
  repo: WaitingEventRunsRepo;
  /** Stores the run as a message (or refuses it, telling the user); `settled` runs in its transaction. */
  start: (run: EventRun, now: number, settled: () => void) => EventRunOutcome;
  /** True once an admin has revoked the user: a run that waited is then dropped, as a new event is refused. */
  accessRevoked: () => boolean;
  transaction: <T>(fn: () => T) => T;
  log: Log;
};

export function createWaitingEventRuns(d: WaitingEventRunsDeps) {
  return {
    name: "waitingEventRuns",
    /** Keeps `run` until its conversation's clone is over. */
    wait(run: EventRun, now: number): void {
      if (d.repo.add(run, now)) d.log("event_run_waiting", { eventId: run.eventId });
    },
    /**
     * Not kept in due_times: a waiting run becomes ready when its conversation's clone ends, a
     * write of the conversations unit, which must not write this unit's row.
     */
    nextDueAt(_now?: number): number | null {
      return d.repo.firstReadyAt();
    },
    /** Starts (or refuses) every run whose conversation is no longer cloning; returns how many. */
    runDue(now: number): number {
      const ready = d.repo.ready();
      const revoked = ready.length > 0 && d.accessRevoked();
      for (const run of ready) {
        const settled = () => d.repo.remove(run.eventId);
        const outcome: EventRunOutcome = revoked ? d.transaction(() => (settled(), { outcome: "refused", reason: "revoked" })) : d.start(run, now, settled);
        d.log("event_run", { eventId: run.eventId, outcome: outcome.outcome, waited: true, ...(outcome.outcome === "refused" ? { reason: outcome.reason } : {}) });
      }
      return ready.length;
    },
  };
}
export type WaitingEventRuns = ReturnType<typeof createWaitingEventRuns>;
