// A Machine as the Fly stand-in finds it when it starts again on its data directory: whatever
// ran died with the old stand-in, so nothing is running; the rest is as it was. As a table.
import { describe, expect, it } from "vitest";
import type { MachineRecord, MachineState } from "../../../emulator/fly/core/machine-view";
import { afterRestart, SavedStateSchema } from "../../../emulator/fly/core/saved-state";

const record = (state: MachineState): MachineRecord => ({
  id: "0123456789abcd", app: "agents", name: "agent-1", region: "iad", state, instanceId: "01J0000000000000000000000",
  config: { image: "registry.fly.io/agents:test", mounts: [{ volume: "vol_0123456789abcdef", path: "/data" }] },
  createdAt: 1_000, updatedAt: 2_000, events: [{ type: "launch", status: "created", source: "user", timestamp: 1_000 }], lease: null,
});

describe("afterRestart", () => {
  it.each<[MachineState, MachineState, boolean]>([
    ["created", "created", false],
    ["starting", "stopped", true],
    ["started", "stopped", true],
    ["stopping", "stopped", true],
    ["stopped", "stopped", false],
    ["suspending", "stopped", true],
    // Its snapshot is gone with the processes: the next start is a cold boot, as after a dropped snapshot.
    ["suspended", "suspended", false],
    ["destroying", "destroyed", true],
    ["destroyed", "destroyed", false],
  ])("%s comes back %s", (before, after, moved) => {
    const back = afterRestart(record(before), 9_000);
    expect(back.state).toBe(after);
    expect(back.events).toHaveLength(moved ? 2 : 1);
    if (moved) expect(back.events[0]).toMatchObject({ type: "exit", status: after, source: "flyd", timestamp: 9_000 });
    expect(back.updatedAt).toBe(moved ? 9_000 : 2_000);
    expect(back.config).toEqual(record(before).config);
  });

  it("leaves the saved record as it was", () => {
    const saved = record("started");
    afterRestart(saved, 9_000);
    expect(saved.state).toBe("started");
    expect(saved.events).toHaveLength(1);
  });
});

describe("SavedStateSchema", () => {
  it.each([
    ["a file of another version", { version: 2, machines: [], volumes: [] }],
    ["a Machine id not in Fly's shape", { version: 1, machines: [{ ...record("stopped"), id: "../x" }], volumes: [] }],
    ["a state Fly has not", { version: 1, machines: [{ ...record("stopped"), state: "sleeping" }], volumes: [] }],
    ["a volume without its id", { version: 1, machines: [], volumes: [{ name: "v" }] }],
  ])("refuses %s", (_name, json) => {
    expect(SavedStateSchema.safeParse(json).success).toBe(false);
  });

  it("reads what the stand-in writes", () => {
    expect(SavedStateSchema.safeParse({ version: 1, machines: [record("suspended")], volumes: [] }).success).toBe(true);
  });
});
