import { describe, expect, it } from "vitest";
import type { LogEvent } from "../lib/wrangler-dev";
import { machinesFigures } from "../machines/figures";
import { type ModelRequest, modelArrival, type PathSample, relayDuring, sampleProblem, summarizePath, vmReceivedAt } from "../machines/measure";
import { machinesVars, modelEnv, type MeasuredPath, ROUND, samplesPerPath, turnText } from "../machines/plan";

const SENT = 1_800_000_000_000.4;
const message = (at: number, text: string, path = "/v1/messages", method = "POST"): ModelRequest => ({ method, path, at, body: { messages: [{ role: "user", content: text }] } });

describe("modelArrival", () => {
  it.each([
    { case: "nothing received", requests: [], want: { firstAt: null, turnAt: null } },
    { case: "the turn's request", requests: [message(1_800_000_000_040, "hi")], want: { firstAt: 1_800_000_000_040, turnAt: 1_800_000_000_040 } },
    { case: "the same millisecond as the send counts", requests: [message(1_800_000_000_000, "hi")], want: { firstAt: 1_800_000_000_000, turnAt: 1_800_000_000_000 } },
    { case: "a request before the send does not count", requests: [message(SENT - 5, "hi")], want: { firstAt: null, turnAt: null } },
    { case: "another request first: the figure takes it, the turn's own comes later", requests: [message(SENT + 30, "other"), message(SENT + 90, "hi")], want: { firstAt: SENT + 30, turnAt: SENT + 90 } },
    { case: "count_tokens and GETs are not model requests", requests: [message(SENT + 5, "hi", "/v1/messages/count_tokens"), message(SENT + 6, "hi", "/", "GET"), message(SENT + 50, "hi")], want: { firstAt: SENT + 50, turnAt: SENT + 50 } },
  ])("$case", ({ requests, want }) => {
    expect(modelArrival(requests, SENT, "hi")).toEqual(want);
  });
});

describe("vmReceivedAt", () => {
  it.each([
    { case: "no run", createdAts: [], want: null },
    { case: "runs before the send are earlier turns", createdAts: [SENT - 1_000], want: null },
    { case: "the earliest run after the send", createdAts: [SENT - 1_000, SENT + 80, SENT + 20], want: SENT + 20 },
  ])("$case", ({ createdAts, want }) => {
    expect(vmReceivedAt(createdAts, SENT)).toBe(want);
  });
});

describe("relayDuring", () => {
  const line = (at: number, fields: Record<string, unknown>): LogEvent => ({ at, fields });
  it("counts the Machine starts and Fly retries inside the window, with the last start's coldStartMs", () => {
    const events = [
      line(5, { event: "machine_started", coldStartMs: 999 }),
      line(10, { event: "fly_retry", call: "start_machine" }),
      line(12, { event: "machine_started", coldStartMs: 31 }),
      line(13, { event: "run_finished" }),
      line(30, { event: "fly_retry" }),
    ];
    expect(relayDuring(events, 10, 20)).toEqual({ machineStarts: 1, relayStartMs: 31, flyRetries: 1 });
  });
  it("a start without a number (none was timed) gives null", () => {
    expect(relayDuring([line(10, { event: "machine_started", coldStartMs: null })], 0, 20)).toEqual({ machineStarts: 1, relayStartMs: null, flyRetries: 0 });
  });
});

const sample = (path: MeasuredPath, firstModelMs: number | null, over: Partial<PathSample> = {}): PathSample => ({
  path,
  round: 0,
  sentAt: SENT,
  webhookStatus: 200,
  webhookMs: 12,
  firstModelMs,
  turnModelMs: firstModelMs,
  toVmMs: firstModelMs === null ? null : firstModelMs / 2,
  vmToModelMs: firstModelMs === null ? null : firstModelMs / 2,
  machineStarts: path === "suspended" || path === "stopped" ? 1 : 0,
  relayStartMs: path === "suspended" || path === "stopped" ? 30 : null,
  flyRetries: 0,
  ...over,
});

describe("sampleProblem", () => {
  it.each([
    { case: "a warm sample as expected", s: sample("warm", 40), want: null },
    { case: "a suspended sample with its start", s: sample("suspended", 90), want: null },
    { case: "a webhook refused", s: sample("warm", 40, { webhookStatus: 500 }), want: "webhook answered 500" },
    { case: "no model request", s: sample("warm", null), want: "no model request" },
    { case: "a warm sample whose Machine had to start (the alarm was first)", s: sample("warm", 90, { machineStarts: 1 }), want: "1 Machine start(s), expected 0" },
    { case: "a suspended sample that started nothing (it was awake)", s: sample("suspended", 40, { machineStarts: 0 }), want: "0 Machine start(s), expected 1" },
  ])("$case", ({ s, want }) => {
    expect(sampleProblem(s)).toBe(want);
  });
});

describe("summarizePath", () => {
  it("takes the median and the range of the valid samples of its path only", () => {
    const samples = [sample("warm", 50), sample("warm", 30), sample("warm", 70), sample("warm", 900, { machineStarts: 1 }), sample("shared_warm", 1)];
    expect(summarizePath("warm", samples)).toMatchObject({ count: 4, valid: 3, p50: 50, min: 30, max: 70, toVmP50: 25, vmToModelP50: 25, relayStartP50: Number.NaN, webhookP50: 12 });
  });
  it("no samples: NaN, never a made-up zero", () => {
    expect(summarizePath("stopped", [])).toMatchObject({ count: 0, valid: 0, p50: Number.NaN, min: Number.NaN, max: Number.NaN });
  });
});

describe("machinesFigures", () => {
  const byName = (figures: ReturnType<typeof machinesFigures>, part: string) => figures.find((f) => f.name.includes(part))!;
  const samples = [
    ...[40, 45, 48].map((ms) => sample("warm", ms)),
    ...[60, 69, 70].map((ms) => sample("shared_warm", ms)),
    ...[400, 510, 520].map((ms) => sample("suspended", ms)),
    ...[1200, 1300, 1500].map((ms) => sample("stopped", ms)),
    ...[90, 100, 120].map((ms) => sample("first_warm", ms)),
  ];
  it("judges the warm and suspended p50s against the issue's targets, and reports the rest", () => {
    const figures = machinesFigures(samples, [20, 18, 25]);
    expect(byName(figures, "warm Machine (p50)")).toMatchObject({ value: 45, target: "≤ 50 ms", pass: true });
    expect(byName(figures, "idle suspension")).toMatchObject({ value: 510, target: "≤ 500 ms", pass: false });
    expect(byName(figures, "stopped Machine")).toMatchObject({ value: 1300 });
    expect(byName(figures, "stopped Machine").pass).toBeUndefined();
    expect(byName(figures, "shared VM, warm")).toMatchObject({ value: 69 });
    expect(byName(figures, "first turn after a cold start")).toMatchObject({ value: 100 });
    expect(byName(figures, "÷")).toMatchObject({ value: 0.65, unit: "x" });
    expect(byName(figures, "set aside")).toMatchObject({ value: 0, pass: true });
    expect(byName(figures, "bare CLI")).toMatchObject({ value: 20 });
    expect(byName(figures, "bare CLI").note).toContain("3 turns, 18 ms–25 ms");
  });
  it("shows the spread and counts the samples set aside", () => {
    const figures = machinesFigures([...samples, sample("warm", 300, { machineStarts: 1 })], [20]);
    expect(byName(figures, "warm Machine (p50)").note).toContain("3 samples, 40 ms–48 ms (1 of 4 set aside");
    expect(byName(figures, "set aside")).toMatchObject({ value: 1, pass: false });
  });
  it("a reload of either relay is shown, and fails: the run is disturbed", () => {
    expect(byName(machinesFigures(samples, [20]), "reloads")).toBeUndefined();
    expect(byName(machinesFigures(samples, [20], 2), "reloads")).toMatchObject({ value: 2, pass: false });
  });
  it("a path with no valid sample is not judged", () => {
    const figures = machinesFigures(samples.filter((s) => s.path !== "suspended"), [20]);
    expect(byName(figures, "idle suspension")).toMatchObject({ pass: null });
  });
});

describe("plan", () => {
  it("measures every path once a round, the warm path first (right after the previous turn, before any idle action)", () => {
    expect([...ROUND].sort()).toEqual(["first_warm", "shared_warm", "stopped", "suspended", "warm"]);
    expect(ROUND[0]).toBe("warm");
    // The first warm turn after a cold start is measured apart, so the warm path never is one.
    expect(ROUND[ROUND.indexOf("stopped") + 1]).toBe("first_warm");
  });
  it.each([
    { quick: true, want: 3 },
    { quick: false, want: 7 },
  ])("quick $quick → $want samples a path", ({ quick, want }) => {
    expect(samplesPerPath(quick)).toBe(want);
  });
  it("every turn's text is its own", () => {
    const texts = ROUND.flatMap((path) => [0, 1].map((round) => turnText(path, round, "r1")));
    expect(new Set(texts).size).toBe(texts.length);
  });
  it.each([
    { root: true, sandbox: "1" },
    { root: false, sandbox: undefined },
  ])("root $root: IS_SANDBOX $sandbox", ({ root, sandbox }) => {
    const env = modelEnv("http://127.0.0.1:9", root);
    expect(env).toMatchObject({ ANTHROPIC_BASE_URL: "http://127.0.0.1:9", DISABLE_TELEMETRY: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" });
    expect(env.IS_SANDBOX).toBe(sandbox);
    expect(env.ALLOW_SHARED_PROC).toBe(sandbox);
  });
  it("the relay runs in machines mode against the stand-in, suspending when idle", () => {
    expect(machinesVars({ apiUrl: "http://a", proxyUrl: "http://p" })).toMatchObject({ VM_MODE: "machines", FLY_API_BASE: "http://a", FLY_PROXY_URL: "http://p", MACHINE_IDLE_ACTION: "suspend" });
  });
});
