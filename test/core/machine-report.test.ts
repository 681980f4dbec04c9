import { describe, expect, it } from "vitest";
import { findOrphans, machineLine, machinesReport, type MachineView, ownedBy, sweepReport } from "../../src/machines/machine-report";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const view: MachineView = { machineId: "6f64265fb3067a", machineName: "agent-aa", volumeId: "vol_1", volumeName: "agent_aa", state: "suspended", region: "iad", image: "registry.fly.io/agents:v3", startedAt: NOW - 3 * 60_000, coldStartMs: 412, retiredAt: null, lastError: null };

describe("machineLine", () => {
  it.each([
    ["none yet", null, "no Machine yet"],
    ["a Machine", view, "Machine 6f64265fb3067a suspended in iad · started 3 min ago (cold start 0.4 s) · image registry.fly.io/agents:v3"],
    ["being checked", { ...view, state: "unknown", coldStartMs: null }, "Machine 6f64265fb3067a (state being checked) in iad · started 3 min ago · image registry.fly.io/agents:v3"],
    ["retired, volume kept", { ...view, machineId: null, state: "none", retiredAt: NOW - 2 * 86_400_000 }, "no Machine · volume vol_1 kept since retirement 2 d ago"],
    ["an error", { ...view, lastError: "no_capacity: no capacity in iad" }, "Machine 6f64265fb3067a suspended in iad · started 3 min ago (cold start 0.4 s) · image registry.fly.io/agents:v3 · last error: no_capacity: no capacity in iad"],
  ] as const)("%s", (_name, m, expected) => {
    expect(machineLine(m, NOW)).toBe(expected);
  });
});

describe("findOrphans", () => {
  const listing = {
    machines: [
      { id: "m1", name: "agent-aa", state: "started", region: "iad" },
      { id: "m2", name: "agent-bb", state: "stopped", region: "iad" },
      { id: "m3", name: "agent-cc", state: "destroyed", region: "iad" },
      { id: "m4", name: "agent-dd", state: "created", region: "ord" },
    ],
    volumes: [
      { id: "vol_1", name: "agent_aa", state: "created", region: "iad", sizeGb: 1 },
      { id: "vol_2", name: "agent_bb", state: "created", region: "iad", sizeGb: 1 },
    ],
  };
  it("keeps what no object owns by id or name, never what is destroyed already", () => {
    // agent-dd has no id at its object yet (a create under way): owned by its name.
    const owned = { ids: new Set(["m1", "vol_1"]), names: new Set(["agent-dd"]) };
    expect(findOrphans(listing, owned)).toEqual({ machines: [listing.machines[1]], volumes: [listing.volumes[1]] });
  });
  it("owned by the names the directory records: a Machine and a volume of each, whatever their ids", () => {
    const owned = ownedBy([{ machine: "agent-aa", volume: "agent_aa" }, { machine: "agent-dd", volume: "agent_dd" }]);
    expect(findOrphans(listing, owned)).toEqual({ machines: [listing.machines[1]], volumes: [listing.volumes[1]] });
    expect(findOrphans(listing, ownedBy([]))).toEqual({ machines: [listing.machines[0], listing.machines[1], listing.machines[3]], volumes: listing.volumes });
  });
  it("an app all owned has no orphans", () => {
    expect(findOrphans(listing, { ids: new Set(["m1", "m2", "m4", "vol_1", "vol_2"]), names: new Set() })).toEqual({ machines: [], volumes: [] });
  });
});

describe("machinesReport and sweepReport", () => {
  it("lists each user's Machine and the orphans with the sweep's command", () => {
    const text = machinesReport({ users: [{ phone: "+1555***1111", machine: view }, { phone: "+1555***2222", machine: "no_answer" }], orphans: { machines: [{ id: "m2", name: "agent-bb", state: "stopped", region: "iad" }], volumes: [] }, app: "agents", now: NOW });
    expect(text.split("\n")).toEqual([
      "Machines of agents (2 users):",
      "+1555***1111 · Machine 6f64265fb3067a suspended in iad · started 3 min ago (cold start 0.4 s) · image registry.fly.io/agents:v3",
      "+1555***2222 · its agent did not answer",
      "Owned by no user (1 Machines, 0 volumes); /vm sweep destroys them:",
      '· Machine m2 "agent-bb" stopped in iad',
    ]);
  });
  it("says so when the API did not answer, or nothing is unowned", () => {
    expect(machinesReport({ users: [], orphans: null, app: "a", now: NOW })).toContain("did not answer");
    expect(machinesReport({ users: [], orphans: { machines: [], volumes: [] }, app: "a", now: NOW })).toContain("No Machine or volume without an owner.");
  });
  it.each([
    [{ machines: [], volumes: [], failed: [] }, "Nothing to sweep: every Machine and volume has an owner."],
    [{ machines: ["m2"], volumes: ["vol_2"], failed: [] }, "Destroyed 1 Machines and 1 volumes no user owned."],
    [{ machines: ["m2"], volumes: [], failed: ["vol_2"] }, "Destroyed 1 Machines and 0 volumes no user owned. Not destroyed (the API refused; /vm shows them): vol_2."],
  ])("sweep %#", (r, expected) => expect(sweepReport(r)).toBe(expected));
});
