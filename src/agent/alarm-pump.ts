// The phone's one alarm and the pump that runs its due units (the Durable Object, phone-agent.ts,
// hands both to this). Every change re-plans the alarm from the same list of units (shared/wake-plan.ts):
// the alarm is set before work starts, so an instance that dies mid-step is resumed by the next.
import type { Clock } from "../shared/clock";
import { type Log, pumpLines } from "../shared/log";
import { type RowsByTable, rowsWrittenSince } from "../shared/rows-by-table";
import { stepTime } from "../shared/step-time";
import { earliest, planWake, watchdogRefreshAt } from "../shared/wake-plan";
import type { composeUnits } from "./compose-units";
import { isDue } from "../shared/unit";

/** A pump started by a message runs this long before handing over to the alarm. */
const DIRECT_SLICE_MS = 20_000;
/** An alarm's pump runs this long (the handler may run 15 min). */
const ALARM_SLICE_MS = 5 * 60_000;

export type AlarmPumpDeps = {
  storage: Pick<DurableObjectStorage, "setAlarm" | "deleteAlarm">;
  u: Pick<ReturnType<typeof composeUnits>, "units" | "runs" | "mediaInbox">;
  clock: Clock;
  /** Rows written by this object so far (Sql.rowsWritten), for the pump's line. */
  rowsWritten: () => number;
  /** The same by table (Sql.rowsWrittenByTable): the line says where they went. */
  rowsWrittenByTable: () => RowsByTable;
  log: Log;
  waitUntil: (work: Promise<unknown>) => void;
};

export class AlarmPump {
  /** This instance is running its units now (a pump is in progress). */
  private pumping = false;
  /** The alarm as this object last set it (loaded at start): the platform keeps it, not SQLite. */
  private alarmAt: number | null = null;
  /** The record of the pumps messages start: a line per window, at its end, off the next webhooks' way. */
  private readonly logPumps: ReturnType<typeof pumpLines>;

  constructor(private readonly d: AlarmPumpDeps) {
    this.logPumps = pumpLines((event, fields) => d.log(event, fields));
  }

  /** The alarm the platform kept for this object, read once at its start. */
  loaded(alarmAt: number | null): void {
    this.alarmAt = alarmAt;
  }

  /** New work was stored: the runs may take it, the alarm follows, and a pump starts if something is due now. */
  async workOn(now: number): Promise<void> {
    this.d.u.runs.wake();
    // The alarm first, so the work is safe if this instance dies (it resumes it); then a pump when
    // something is due now (not for a message behind a run's backoff), started here: its first
    // steps (claiming the run, building the dispatch) commit with the message, so the dispatch
    // leaves with the webhook's answer. Started on a timer's next turn instead, it left 13 ms
    // later under wrangler dev with the answer no sooner (bench/README.md, "warm path").
    if ((await this.replan(now, { startIfDue: true })) && !this.pumping) this.d.waitUntil(this.pump("message", DIRECT_SLICE_MS, now));
  }

  /** The platform's alarm fired. */
  async alarm(): Promise<void> {
    // Alarms never fire early: what was due at the alarm's time is due now, whatever the clock says.
    const scheduledAt = this.alarmAt ?? 0;
    // The platform's alarm is spent: the next plan must set one even if it is the same time.
    this.alarmAt = null;
    await this.pump("alarm", ALARM_SLICE_MS, scheduledAt);
  }

  /**
   * Runs the due units until none is due or the slice ends (an alarm's 5 min; a webhook's short one,
   * so a reply needs no alarm round trip, then the armed alarm takes over). One clock: the present
   * starts at the clock, or at `floor` when later, and moves on in real time; each step gets it as `now`.
   */
  private async pump(trigger: "alarm" | "message", sliceMs: number, floor: number): Promise<void> {
    const { u, clock } = this.d;
    // This instance already pumps (a long stream): its next step picks up what is due.
    if (this.pumping) return this.changed(undefined, clock());
    this.pumping = true;
    const [startedAt, rowsBefore, tablesBefore] = [clock(), this.d.rowsWritten(), this.d.rowsWrittenByTable()];
    const deadline = startedAt + sliceMs;
    const present = stepTime(Math.max(startedAt, floor), clock);
    let ran = 0;
    try {
      // The safety net first: should this instance die in a long step (an alarm's archive), the next resumes it.
      await this.replan(present());
      // The slice is real time; `now` (what is due) may be ahead of it when an alarm fires.
      while (clock() < deadline) {
        const now = present();
        const due = u.units.filter((unit) => isDue(unit.nextDueAt(now), now));
        if (due.length === 0) break;
        for (const unit of due) {
          // The runs unit reads a stream until another unit (or the watchdog, or the slice) wants control back.
          const others = u.units.filter((o) => o !== unit).map((o) => o.nextDueAt(now));
          const until = earliest([...others, watchdogRefreshAt(this.alarmAt, now, others), deadline + (now - clock())]);
          const outcome = await unit.runDue(now, until);
          ran++;
          // Attachments fetched make their messages ready: a live run may take them as its next turn.
          if (unit === u.mediaInbox && Number(outcome) > 0) u.runs.wake();
          await this.replan(present());
        }
      }
    } catch (error) {
      // Expected failures are rows already; this is a bug. Never let the platform retry blindly.
      this.d.log("pump_error", { trigger, error: error instanceof Error ? error.message : String(error) });
    } finally {
      u.runs.close();
      this.pumping = false;
      await this.replan(present());
      // A log line costs about as much CPU as the work on the webhook's path: a pump that found
      // nothing due says nothing, and those messages start share a line (pumpLines).
      const done = { units: ran, durationMs: clock() - startedAt, rowsWritten: this.d.rowsWritten() - rowsBefore, rowsByTable: rowsWrittenSince(tablesBefore, this.d.rowsWrittenByTable()) };
      if (trigger === "alarm") this.d.log("alarm_done", { trigger, ...done });
      else if (ran > 0) this.logPumps(done);
    }
  }

  /** Sets, moves or deletes the one alarm as the wake plan says, from every unit's due time; with `startIfDue`, whether a pump should start now. */
  async replan(now: number, opts: { startIfDue: boolean } = { startIfDue: false }): Promise<boolean> {
    const dueAt = this.d.u.units.map((unit) => unit.nextDueAt(now));
    const first = earliest(dueAt);
    const pumpStarting = opts.startIfDue && !this.pumping && first !== null && first <= now;
    const plan = planWake({ now, storedAlarmAt: this.alarmAt, pumping: this.pumping || pumpStarting, dueAt });
    if (plan.action === "keep") return pumpStarting;
    // Noted before the call, so a plan made while it is under way sees it.
    this.alarmAt = plan.action === "delete" ? null : plan.at;
    await (plan.action === "delete" ? this.d.storage.deleteAlarm() : this.d.storage.setAlarm(plan.at));
    return pumpStarting;
  }

  /** After a change made outside the pump: the runs may act on it, and the alarm follows. */
  async changed<T>(result: T, now: number): Promise<T> {
    this.d.u.runs.wake();
    await this.replan(now);
    return result;
  }
}
