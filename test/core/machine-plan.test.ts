import { describe, expect, it } from "vitest";
import { type MachineFacts, machineVmTimers, nextChore, nextStep } from "../../src/machines/machine-plan";

const want = { image: "img:v1", vmToken: "t1" };
const base: MachineFacts = { state: "started", machineId: "m1", volumeId: "vol_1", image: "img:v1", vmToken: "t1", usedAt: 1_000, startedAt: 500, retiredAt: null, retryAt: null };
const settings = { idleMs: 60_000, idleAction: "suspend" as const, retireMs: 30 * 86_400_000 };

describe("nextStep: what a request needs before it reaches the Machine", () => {
  it.each([
    ["no row yet", null, { step: "volume" }],
    ["no volume", { ...base, volumeId: null, machineId: null, state: "none" }, { step: "volume" }],
    ["a volume, no Machine", { ...base, machineId: null, state: "none" }, { step: "create" }],
    ["started: straight through", base, { step: "ready" }],
    ["a request failed", { ...base, state: "unknown" }, { step: "check" }],
    ["suspended, same image and token", { ...base, state: "suspended" }, { step: "start", update: false }],
    ["stopped, a new image", { ...base, state: "stopped", image: "img:v0" }, { step: "start", update: true }],
    ["suspended, a rotated token", { ...base, state: "suspended", vmToken: "t0" }, { step: "start", update: true }],
    // A started Machine with an old image or token keeps it until its next start: never mid-run.
    ["started, a new image", { ...base, image: "img:v0" }, { step: "ready" }],
  ] as const)("%s", (_name, row, expected) => {
    expect(nextStep(row as MachineFacts | null, want)).toEqual(expected);
  });
});

describe("nextChore: what the alarm owes the Machine", () => {
  const none = { runOpen: false, lastRunEndedAt: null };
  it.each([
    ["no row", null, none, null],
    ["started: idle action after the last use", base, none, { kind: "idle", at: 61_000 }],
    ["the last run ended later than the last request", base, { runOpen: false, lastRunEndedAt: 5_000 }, { kind: "idle", at: 65_000 }],
    ["a run is open: never idled under it", base, { runOpen: true, lastRunEndedAt: null }, null],
    ["unknown counts as started", { ...base, state: "unknown" }, none, { kind: "idle", at: 61_000 }],
    ["suspended: retired after the retirement time", { ...base, state: "suspended" }, none, { kind: "retire", at: 1_000 + 30 * 86_400_000 }],
    ["stopped: the same", { ...base, state: "stopped" }, none, { kind: "retire", at: 1_000 + 30 * 86_400_000 }],
    ["retired: its volume is never deleted here (only after a checked archive)", { ...base, state: "none", machineId: null, retiredAt: 10_000 }, none, null],
    ["a volume never retired (Machine gone): nothing", { ...base, state: "none", machineId: null }, none, null],
    ["a refused chore waits for its retry", { ...base, retryAt: 90_000 }, none, { kind: "idle", at: 90_000 }],
    ["a retry earlier than the chore changes nothing", { ...base, retryAt: 2_000 }, none, { kind: "idle", at: 61_000 }],
  ] as const)("%s", (_name, row, facts, expected) => {
    expect(nextChore(row as MachineFacts | null, facts, settings)).toEqual(expected);
  });
});

describe("machineVmTimers", () => {
  it.each([[900_000], [2_000], [60_000]])("a warm CLI outlasts the idle action, and the VM's own exit comes after it (idle %i ms)", (idleMs) => {
    const t = machineVmTimers(idleMs);
    expect(Number(t.WARM_SESSION_MS)).toBeGreaterThan(idleMs);
    expect(Number(t.IDLE_TIMEOUT_MS)).toBeGreaterThan(Number(t.WARM_SESSION_MS));
  });
});
