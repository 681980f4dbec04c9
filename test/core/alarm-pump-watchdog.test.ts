// A crash of the object (or the Worker) in the middle of a run's stream: with no message to wake it,
// the alarm the platform kept is what brings a new instance to read the run again. This drives the
// real AlarmPump through a long stream on a simulated clock, records every alarm it sets, and
// crashes it at every instant: the alarm held then says when the reply can next move.
import { describe, expect, it } from "vitest";
import { AlarmPump } from "../../src/agent/alarm-pump";
import type { Unit } from "../../src/shared/unit";
import { WATCHDOG_MS } from "../../src/shared/wake-plan";

/** The bound the user is promised: a stream whose instance died is read again within 10 s. */
const RESUMED_WITHIN_MS = 10_000;
const START = 1_700_000_000_000;

/** A run whose stream lasts `streamMs`: read while it goes, each read returning at `until` (or the end). */
function streamingRuns(clock: { t: number }, streamMs: number) {
  const endsAt = START + streamMs;
  const runs: Unit & { wake(): void; close(): void } = {
    name: "runs",
    nextDueAt: (now) => (now < endsAt ? now : null),
    runDue: (_now, until) => {
      // A stream read waits for the next line or `until`; the simulated clock moves to it.
      clock.t = Math.min(until ?? endsAt, endsAt);
      return { kind: clock.t >= endsAt ? "finished" : "changed" };
    },
    wake: () => {},
    close: () => {},
  };
  return runs;
}

/** The real AlarmPump over `units` on the simulated clock, fired as an alarm now; every alarm it sets (deleted: NaN) with when it was set. */
async function pumpAlarm(clock: { t: number }, runs: Unit & { wake(): void; close(): void }, others: Unit[] = []) {
  const set: { at: number; when: number }[] = [];
  const pump = new AlarmPump({
    storage: {
      setAlarm: async (at) => void set.push({ at: Number(at), when: clock.t }),
      deleteAlarm: async () => void set.push({ at: Number.NaN, when: clock.t }),
    },
    u: { units: [runs, ...others], runs, mediaInbox: {} } as unknown as ConstructorParameters<typeof AlarmPump>[0]["u"],
    clock: () => clock.t,
    rowsWritten: () => 0,
    rowsWrittenByTable: () => ({}),
    log: () => {},
    waitUntil: () => {},
  });
  pump.loaded(null);
  await pump.alarm();
  return set;
}

async function streamWithAlarms(streamMs: number) {
  const clock = { t: START };
  // The alarm that started the run's read fires now: its pump reads the stream until it ends.
  const set = await pumpAlarm(clock, streamingRuns(clock, streamMs));
  return { set, endsAt: START + streamMs };
}

describe("a crash mid-stream: the alarm the platform holds", () => {
  it("brings a new instance to the run within 10 s of the crash, whenever it strikes", async () => {
    const { set, endsAt } = await streamWithAlarms(5 * 60_000);
    let worst = 0;
    for (let crashAt = START; crashAt < endsAt; crashAt += 250) {
      // The last alarm set before the crash is the one the platform keeps.
      const held = set.filter((s) => s.when <= crashAt).at(-1);
      expect(held, `no alarm held at +${crashAt - START} ms`).toBeDefined();
      expect(Number.isNaN(held!.at), `the alarm was deleted at +${held!.when - START} ms while the run streamed`).toBe(false);
      worst = Math.max(worst, held!.at - crashAt);
    }
    expect(worst).toBeLessThanOrEqual(RESUMED_WITHIN_MS);
  });

  it("costs one alarm write per 8 s of a stream, none per event", async () => {
    const { set } = await streamWithAlarms(5 * 60_000);
    const writes = set.filter((s) => !Number.isNaN(s.at) && s.when < START + 5 * 60_000).length;
    // 300 s of stream, a push every 8 s (10 s ahead, pushed once 2 s from firing), and the first.
    expect(writes).toBeLessThanOrEqual(Math.ceil(300 / 8) + 1);
  });
});

describe("a stream read beside another unit's retry due within the watchdog's lead", () => {
  it("reads until that retry, without spinning: a handful of steps, not one per microtask", async () => {
    // A Twilio outage: the outbox's head is retried 1.5 s, 4 s and 7 s from now while a run's stream
    // is read. The alarm is set for each retry (a unit's own time, within the watchdog); the read
    // must wait for the retry, not for the watchdog's lead before it (which is already past).
    const clock = { t: START };
    const endsAt = START + 10_000;
    let reads = 0;
    const runs: Unit & { wake(): void; close(): void } = {
      name: "runs",
      nextDueAt: (now) => (now < endsAt ? now : null),
      runDue: (_now, until) => {
        reads++;
        // A guard for the test itself: a pump that spins would never move the simulated clock.
        if (reads > 1_000) clock.t = endsAt;
        else clock.t = Math.min(Math.max(clock.t, until ?? endsAt), endsAt);
        return { kind: clock.t >= endsAt ? "finished" : "changed" };
      },
      wake: () => {},
      close: () => {},
    };
    const retries = [START + 1_500, START + 4_000, START + 7_000];
    const outbox: Unit = {
      name: "outbox",
      nextDueAt: () => retries[0] ?? null,
      runDue: () => {
        while (retries.length > 0 && retries[0]! <= clock.t) retries.shift();
      },
    };
    const alarms = await pumpAlarm(clock, runs, [outbox]);
    expect(clock.t).toBe(endsAt);
    expect(retries).toEqual([]);
    // Three retries and the stream's end, each a read; a few more where the watchdog is pushed.
    expect(reads).toBeLessThanOrEqual(12);
    // The safety net still held: an alarm was always set, never more than a watchdog ahead of when
    // it was set, and each retry got its own (an instance dying before it is resumed at the retry).
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.filter((a) => a.at - a.when > WATCHDOG_MS)).toEqual([]);
    expect(alarms.map((a) => a.at)).toEqual(expect.arrayContaining([START + 1_500, START + 4_000, START + 7_000]));
  });
});
