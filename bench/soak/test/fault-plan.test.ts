// The fault plan from a seed: replayable, every kind present, inside the fault window, crashes apart,
// each outage over (and the outbox's retry after it due) before the next starts.
import { describe, expect, it } from "vitest";
import { describeFault, faultCounts, OUTAGE_RECOVERY_MS, planFaults, QUIET_END_MS, QUIET_START_MS, type FaultEvent } from "../fault-plan";

const ONE_MINUTE = 60_000;

describe("faultCounts", () => {
  it.each([
    [ONE_MINUTE, { vm_crash: 1, worker_crash: 1, twilio_outage: 2, duplicate_webhook: 7, burst: 1 }],
    // The hand-measured run: 2.5 minutes, 3 VM crashes, 2 wrangler crashes, 3 outages, 18 duplicates.
    [2.5 * ONE_MINUTE, { vm_crash: 3, worker_crash: 2, twilio_outage: 3, duplicate_webhook: 18, burst: 1 }],
    [10 * ONE_MINUTE, { vm_crash: 12, worker_crash: 8, twilio_outage: 12, duplicate_webhook: 72, burst: 5 }],
  ])("%i ms of faults", (faultMs, counts) => {
    expect(faultCounts(faultMs)).toEqual(counts);
  });
});

describe("planFaults", () => {
  const input = { seed: 42, faultMs: ONE_MINUTE, senders: 6 };

  it("gives the same plan for the same seed, and another for another seed", () => {
    expect(planFaults(input)).toEqual(planFaults(input));
    expect(planFaults({ ...input, seed: 43 })).not.toEqual(planFaults(input));
  });

  it.each([1, 2, 3, 42, 1234, 2 ** 31])("seed %i: every kind as counted, in time order, within the window", (seed) => {
    for (const faultMs of [ONE_MINUTE, 2.5 * ONE_MINUTE, 5 * ONE_MINUTE, 10 * ONE_MINUTE]) {
      const plan = planFaults({ seed, faultMs, senders: 6 });
      const counts = faultCounts(faultMs);
      for (const [kind, count] of Object.entries(counts)) expect(plan.filter((e) => e.kind === kind)).toHaveLength(count);
      expect(plan.map((e) => e.at)).toEqual([...plan.map((e) => e.at)].sort((a, b) => a - b));
      for (const e of plan) {
        expect(e.at).toBeGreaterThanOrEqual(QUIET_START_MS);
        expect(e.at).toBeLessThanOrEqual(faultMs - QUIET_START_MS);
      }
      const disruptive = plan.filter((e) => e.kind === "vm_crash" || e.kind === "worker_crash" || e.kind === "twilio_outage");
      for (const e of disruptive) expect(e.at).toBeLessThan(faultMs - QUIET_END_MS);
      // Own slots: no two crashes or outages start within a second of each other.
      disruptive.slice(1).forEach((e, i) => expect(e.at - disruptive[i]!.at).toBeGreaterThan(1_000));
      const outages = plan.filter((e) => e.kind === "twilio_outage");
      outages.slice(1).forEach((e, i) => expect(e.at - (outages[i]!.at + outages[i]!.forMs)).toBeGreaterThanOrEqual(OUTAGE_RECOVERY_MS));
    }
  });

  it("has at least one 429 outage and one 5xx outage, each 10 to 20 s long", () => {
    for (let seed = 0; seed < 50; seed++) {
      const outages = planFaults({ ...input, seed }).filter((e): e is Extract<FaultEvent, { kind: "twilio_outage" }> => e.kind === "twilio_outage");
      expect(outages.some((o) => o.status === 429)).toBe(true);
      expect(outages.some((o) => o.status >= 500)).toBe(true);
      for (const o of outages) expect(o.forMs).toBeGreaterThanOrEqual(10_000), expect(o.forMs).toBeLessThanOrEqual(20_000);
    }
  });

  it("picks senders among those running", () => {
    const plan = planFaults({ ...input, senders: 2 });
    for (const e of plan) if (e.kind === "burst" || e.kind === "duplicate_webhook") expect([0, 1]).toContain(e.sender);
  });

  it.each([
    ["a window too short for its quiet ends", { faultMs: 30_000 }],
    ["a window too short for two outages apart", { faultMs: 45_000 }],
    ["no senders", { senders: 0 }],
  ])("refuses %s", (_, change) => {
    expect(() => planFaults({ ...input, ...change })).toThrow(RangeError);
  });
});

describe("describeFault", () => {
  it.each<[FaultEvent, string]>([
    [{ kind: "vm_crash", at: 12_345, downMs: 3_000 }, "+12.3 s vm_crash (down 3 s)"],
    [{ kind: "worker_crash", at: 5_000 }, "+5.0 s worker_crash (restarted at once)"],
    [{ kind: "twilio_outage", at: 20_000, status: 429, forMs: 15_500 }, "+20.0 s twilio_outage 429 for 15.5 s"],
    [{ kind: "duplicate_webhook", at: 7_000, sender: 2, mode: "racing" }, "+7.0 s duplicate_webhook racing (sender 3)"],
    [{ kind: "burst", at: 9_000, sender: 0, size: 4 }, "+9.0 s burst of 4 (sender 1)"],
  ])("%j", (event, text) => {
    expect(describeFault(event)).toBe(text);
  });
});
