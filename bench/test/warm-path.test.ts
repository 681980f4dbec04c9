// The warm-path benchmark's pure parts: reading the VM's timing marks, matching them to a turn,
// and the figures (the judged distance to the floors, each hop's share).
import { describe, expect, it } from "vitest";
import { sampleProblem, summarize, type VmAloneSample, type WarmPathSample, warmPathFigures } from "../warm-path/figures";
import { aloneRoundsOf, roundsOf, timingMarkOf, turnMarks, type VmTimingMark } from "../warm-path/plan";

const sample = (round: number, over: Partial<WarmPathSample> = {}): WarmPathSample => ({
  round,
  webhookStatus: 200,
  webhookMs: 14,
  firstModelMs: 70,
  vmReceivedMs: 16,
  writtenMs: 19,
  proxyMs: 67,
  helloMs: 12,
  bareCliMs: 44,
  dispatchFloorMs: 13,
  ...over,
});

describe("the VM's timing lines", () => {
  it.each([
    { line: '{"event":"vm_timing","runId":"r1","mark":"received","at":1800000000000.25}', mark: { runId: "r1", mark: "received", at: 1_800_000_000_000.25 } },
    { line: "vm: listening on http://127.0.0.1:8080", mark: null },
    { line: '{"event":"vm_timing","runId":"r1","mark":"received"}', mark: null },
    { line: '{"event":"vm_timing", broken', mark: null },
  ])("$line", ({ line, mark }) => expect(timingMarkOf(line)).toEqual(mark));

  it("matches a turn to the first run received at or after it was sent, and that run's own marks", () => {
    const marks: VmTimingMark[] = [
      { runId: "old", mark: "received", at: 900 },
      { runId: "old", mark: "written", at: 905 },
      { runId: "new", mark: "received", at: 1_020 },
      { runId: "old", mark: "model_request", at: 1_030 },
      { runId: "new", mark: "written", at: 1_024 },
      { runId: "new", mark: "written", at: 1_300 },
      { runId: "new", mark: "model_request", at: 1_070 },
    ];
    expect(turnMarks(marks, 1_000)).toEqual({ received: 1_020, written: 1_024, modelRequest: 1_070 });
    expect(turnMarks(marks, 2_000)).toEqual({ received: null, written: null, modelRequest: null });
  });

  it("runs 40 rounds and 20 reference rounds, 3 and 2 when quick", () =>
    expect([roundsOf(false), roundsOf(true), aloneRoundsOf(false), aloneRoundsOf(true)]).toEqual([40, 3, 20, 2]));
});

describe("the figures", () => {
  it.each([
    { case: "measured", s: sample(0), want: null },
    { case: "webhook refused", s: sample(0, { webhookStatus: 503 }), want: "webhook answered 503" },
    { case: "no model request", s: sample(0, { firstModelMs: null }), want: "no model request" },
    { case: "no VM marks", s: sample(0, { writtenMs: null }), want: "the VM logged no timing marks for the turn" },
    { case: "a floor missing", s: sample(0, { bareCliMs: null }), want: "a floor gave no figure this round" },
    { case: "the reference's dispatch missing", s: sample(0, { dispatchFloorMs: null }), want: "the durable floor's dispatch did not arrive" },
  ])("sampleProblem: $case", ({ s, want }) => expect(sampleProblem(s)).toBe(want));

  it("judges the p50 over the sum of the floors' p50s, and splits the path into hops", () => {
    const samples = [sample(0), sample(1, { firstModelMs: 80, proxyMs: 76, dispatchFloorMs: 11 }), sample(2, { firstModelMs: 60, proxyMs: 57, helloMs: 14, dispatchFloorMs: 15 }), sample(3, { webhookStatus: 500 })];
    const s = summarize(samples);
    expect(s).toMatchObject({ valid: 3, count: 4, p50: 70, min: 60, max: 80, helloP50: 12, bareCliP50: 44, dispatchFloorP50: 13, overFloors: 14 });
    expect(s.hops).toEqual({ relay: 16, vm: 3, cli: 48, proxy: 3 });
    const figures = warmPathFigures(samples);
    const judgedOne = figures.find((f) => f.name.includes("over its floors"))!;
    expect(judgedOne).toMatchObject({ value: 14, pass: false });
    expect(figures.find((f) => f.name === "samples set aside")).toMatchObject({ value: 1, pass: false });
    // The relay's hop against both: the hello-world round trip and the durable floor's dispatch.
    expect(figures.find((f) => f.name.startsWith("hop: webhook → the VM"))?.note).toBe("4 ms over the hello-world Worker, 3 ms over the durable floor's dispatch");
    expect(figures.find((f) => f.name.startsWith("reference: the durable floor"))).toMatchObject({ value: 13 });
    expect(warmPathFigures([sample(0, { firstModelMs: 60 })]).find((f) => f.name.includes("over its floors"))).toMatchObject({ value: 4, pass: true });
  });

  it("says how far the judged figure would move on another run of as many rounds", () => {
    const same = [sample(0), sample(1), sample(2), sample(3)];
    expect(summarize(same).overFloorsSpread).toBe(0);
    expect(warmPathFigures(same).find((f) => f.name.includes("over its floors"))?.note).toMatch(/; 4 rounds, which put it within ±0 ms \(bootstrap SD\)$/);
    const apart = [sample(0, { firstModelMs: 60 }), sample(1, { firstModelMs: 70 }), sample(2, { firstModelMs: 80 }), sample(3, { firstModelMs: 90 })];
    expect(summarize(apart).overFloorsSpread).toBeGreaterThan(3);
    expect(summarize(apart).overFloorsSpread).toBeLessThan(15);
  });

  it("sets beside the judged figure the median of each round's path over its own floors", () => {
    // A CLI whose turns spread widely: round 2's slow path came with a fast bare CLI.
    const samples = [sample(0, { firstModelMs: 60, helloMs: 10, bareCliMs: 45 }), sample(1, { firstModelMs: 75, helloMs: 10, bareCliMs: 60 }), sample(2, { firstModelMs: 140, helloMs: 10, bareCliMs: 50 })];
    const s = summarize(samples);
    expect(s.overFloors).toBe(15);
    expect(s.overFloorsPaired).toBe(5);
    expect(warmPathFigures(samples).find((f) => f.name.includes("over the same round's floors"))).toMatchObject({ value: 5, note: "each round's path − its hello-world Worker − its bare CLI" });
  });

  it("sets the VM's, the CLI's and the proxy's share on the path beside the same with nothing of the relay at work", () => {
    const turn = (first: number, received = 4) => ({ firstModelMs: first, receivedMs: received, writtenMs: received + 2, proxyMs: first - 3 });
    const alone: VmAloneSample[] = [
      { round: 0, bareCliMs: 44, turn: turn(52) },
      { round: 1, bareCliMs: 40, turn: turn(50) },
      { round: 2, bareCliMs: null, turn: turn(49) },
      { round: 3, bareCliMs: 46, turn: null },
    ];
    const samples = [sample(0), sample(1, { firstModelMs: 80, proxyMs: 76 }), sample(2, { firstModelMs: 60, proxyMs: 57 })];
    const s = summarize(samples, alone);
    // Alone (rounds 0 and 1): 52 − 4 − 44 = 4 and 50 − 4 − 40 = 6; on the path 70 − 16 − 44 = 10, 20 and 0.
    expect(s.alone).toEqual({ rounds: 2, p50: 51, hops: { vm: 2, cli: 42, proxy: 3 } });
    expect(s.overBareCli).toEqual({ path: 10, alone: 5 });
    const figures = warmPathFigures(samples, alone);
    expect(figures.find((f) => f.name.startsWith("hop: the VM's server"))?.note).toBe("alone 2 ms");
    expect(figures.find((f) => f.name.startsWith("the VM, the CLI and the proxy"))).toMatchObject({
      value: 10,
      note: "on the path; 5 ms alone (the reference rounds)",
    });
    expect(figures.find((f) => f.name.startsWith("reference: the VM alone"))).toMatchObject({ value: 51, note: "2 rounds after the path's, each 1 s after a bare CLI turn; the hops' \"alone\" figures are its" });
    // The two reference rounds that gave nothing are named, as a path round would be.
    expect(figures.find((f) => f.name === "samples set aside")).toMatchObject({ value: 2, pass: false });
  });

  it("a wrangler reload is named as a disturbance", () => {
    expect(warmPathFigures([sample(0)], [], 1).at(-1)).toMatchObject({ name: "wrangler reloads during the run", value: 1, pass: false });
    expect(warmPathFigures([sample(0)]).some((f) => f.name.includes("reload"))).toBe(false);
  });
});
