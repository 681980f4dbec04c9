// The machine unit over a real SQLite and the real Fly stand-in (each Machine a tiny echo
// process): what workerd's tests cannot set up, a new image or a rotated relay VM_TOKEN between
// two instances of the object, and a create whose id the last instance never recorded.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { flyResourceNames, machineVmToken } from "../../src/machines/fly-identity";
import { createFlyMachinesClient } from "../../src/machines/fly-machines";
import { createMachineRepo } from "../../src/machines/machine-repo";
import { createMachineUnit, type MachineUnitSettings } from "../../src/machines/machine-unit";
import { machineRelayUrl } from "../../src/machines/machine-plan";
import type { RunningFlyEmulator } from "../../emulator/fly/server";
import { echoConfig, FLY_APP, FLY_TOKEN, flyResources, must, viaProxy } from "../emulator/fly-helpers";
import { migratedDb, type MigratedDb } from "./helpers/node-storage";

/** Each test its own phone, so no name is shared with a Machine another test is still destroying. */
let PHONE = "";
let phoneCount = 900;
const { resources, start } = flyResources();
let fly: RunningFlyEmulator;
let db: MigratedDb;
const told: string[] = [];
/** The names the directory was told are this phone's, and whether it answers. */
const recorded: { machine: string; volume: string }[] = [];
let directoryAnswers = true;

beforeAll(async () => {
  fly = await start({ rateLimits: false });
});
afterAll(() => resources.releaseAll());
beforeEach(async () => {
  PHONE = `+1555000${++phoneCount}`;
  db = await migratedDb();
  told.length = 0;
  recorded.length = 0;
  directoryAnswers = true;
});
afterEach(() => db.close());

const api = () => createFlyMachinesClient({ apiBase: fly.apiUrl, app: FLY_APP, token: FLY_TOKEN });

/** One instance of the object's machine unit; a second call is the next instance after an eviction. */
function instance(settings: Partial<MachineUnitSettings> = {}) {
  return createMachineUnit({
    repo: createMachineRepo(db.sql),
    fly: api(),
    settings: { idleMs: 1_000, idleAction: "suspend", retireMs: 86_400_000, image: "agent:v1", regions: ["iad"], proxyUrl: fly.proxyUrl, relayVmToken: "relay-token-1", ...settings },
    phone: PHONE,
    runs: { isOpen: () => false, lastEndedAt: () => null },
    outbox: { add: (m) => (told.push(m.body), true) },
    recordOwner: async (names) => directoryAnswers && (recorded.push(names), true),
    log: () => {},
    clock: () => Date.now(),
  });
}

async function connected(unit: ReturnType<typeof instance>) {
  const c = await unit.connect();
  if (!c.ok) throw new Error(`connect failed: ${c.detail}`);
  return c;
}

/** Runs the idle action now, as the alarm would once MACHINE_IDLE_MS passed. */
async function idle(unit: ReturnType<typeof instance>, settled: "suspended" | "stopped" = "suspended") {
  const due = unit.nextDueAt(Date.now());
  expect(due).not.toBeNull();
  await unit.runDue(Math.max(due!, Date.now()));
  // Fly answers a suspend or stop before the Machine gets there.
  const machineId = createMachineRepo(db.sql).get()!.machineId!;
  const instanceId = must(await api().getMachine(machineId)).instance_id;
  must(await api().waitMachine(machineId, { state: settled, instanceId, timeoutSeconds: 10 }));
}

describe("the machine unit", () => {
  afterEach(async () => {
    for (const m of must(await api().listMachines())) if (!m.state.startsWith("destroy")) must(await api().destroyMachine(m.id, { force: true }));
    for (const v of must(await api().listVolumes())) if (v.state !== "destroyed") await api().deleteVolume(v.id);
  });

  it("three requests at once make one volume and one Machine, reached through the proxy", async () => {
    const unit = instance();
    const all = await Promise.all([unit.connect(), unit.connect(), unit.connect()]);
    expect(all.every((c) => c.ok)).toBe(true);
    expect(must(await api().listMachines())).toHaveLength(1);
    expect(must(await api().listVolumes()).filter((v) => v.state !== "destroyed")).toHaveLength(1);
    const c = all[0]!;
    if (!c.ok) throw new Error("unreachable");
    expect(c.headers["fly-force-instance-id"]).toBe(must(await api().listMachines())[0]!.id);
    expect(c.token).toBe(await machineVmToken("relay-token-1", PHONE));
    expect((await viaProxy(fly, c.headers["fly-force-instance-id"]!)).status).toBe(200);
  });

  it("a new FLY_IMAGE reaches the Machine at its next start, never while it is started", async () => {
    const first = await connected(instance({ image: "agent:v1" }));
    const machineId = first.headers["fly-force-instance-id"]!;
    // The next instance (a deploy) wants v2 while the Machine runs: it is left as it is.
    const second = instance({ image: "agent:v2" });
    await connected(second);
    expect(must(await api().getMachine(machineId)).config.image).toBe("agent:v1");
    await idle(second);
    expect(must(await api().getMachine(machineId)).state).toBe("suspended");
    await connected(second);
    const machine = must(await api().getMachine(machineId));
    expect([machine.state, machine.config.image]).toEqual(["started", "agent:v2"]);
  });

  it("gives the Machine the relay's PUBLIC_URL as its RELAY_URL, for its wake after a restart, and none without one", async () => {
    const woken = await connected(instance({ relayUrl: "https://relay.example.test" }));
    expect(must(await api().getMachine(woken.headers["fly-force-instance-id"]!)).config.env?.["RELAY_URL"]).toBe("https://relay.example.test");
  });

  it.each([
    ["https://relay.example.test", "https://relay.example.test"],
    ["http://127.0.0.1:8787", "http://127.0.0.1:8787"],
    ["http://localhost:8787/", "http://localhost:8787/"],
    // A plain-http tunnel: the VM would refuse it at boot, so it is not given.
    ["http://relay.example.test", null],
    ["http://127.0.0.1.evil.test", null],
    [null, null],
  ])("machineRelayUrl(%j) is %j", (publicUrl, expected) => {
    expect(machineRelayUrl(publicUrl)).toBe(expected);
  });

  it("a rotated relay VM_TOKEN: the running Machine keeps its token until its next start, then takes the new one", async () => {
    const first = await connected(instance({ relayVmToken: "relay-token-1" }));
    const machineId = first.headers["fly-force-instance-id"]!;
    const rotated = instance({ relayVmToken: "relay-token-2" });
    // Mid-run: still the token the Machine was started with, or every request would be refused.
    expect((await connected(rotated)).token).toBe(await machineVmToken("relay-token-1", PHONE));
    await idle(rotated);
    const after = await connected(rotated);
    expect(after.token).toBe(await machineVmToken("relay-token-2", PHONE));
    expect(must(await api().getMachine(machineId)).config.env?.["VM_TOKEN"]).toBe(after.token);
    expect(must(await api().getMachine(machineId)).config.env?.["RELAY_URL"]).toBeUndefined();
  });

  it("adopts the Machine a cut-off create made: the intent was recorded, the id never was", async () => {
    const names = await flyResourceNames("relay-token-1", PHONE);
    const volume = must(await api().createVolume({ name: names.volume, region: "iad", size_gb: 1 }));
    const made = must(await api().createMachine({ name: names.machine, region: "iad", config: echoConfig(volume.id) }));
    const repo = createMachineRepo(db.sql);
    repo.claimNames(names, Date.now());
    repo.patch({ volumeId: volume.id, region: "iad", intent: "machine" }, Date.now());
    const c = await connected(instance());
    expect(c.headers["fly-force-instance-id"]).toBe(made.id);
    expect(must(await api().listMachines()).map((m) => m.id)).toEqual([made.id]);
    expect(repo.get()).toMatchObject({ machineId: made.id, intent: null, state: "started" });
  });

  it("idle: suspended (memory kept) and woken by the next request; with stop, stopped and booted again", async () => {
    const unit = instance();
    const c = await connected(unit);
    const machineId = c.headers["fly-force-instance-id"]!;
    const hits = async () => ((await (await viaProxy(fly, machineId)).json()) as { hits: number }).hits;
    const before = await hits();
    await idle(unit);
    expect(must(await api().getMachine(machineId)).state).toBe("suspended");
    await connected(unit);
    // The same process: its in-memory counter went on.
    expect(await hits()).toBe(before + 1);
    const stopping = instance({ idleAction: "stop" });
    await idle(stopping, "stopped");
    expect(must(await api().getMachine(machineId)).state).toBe("stopped");
    await connected(stopping);
    expect(await hits()).toBe(1);
  });

  it("the directory records the names before anything is made under them; unrecorded, nothing is made", async () => {
    const names = await flyResourceNames("relay-token-1", PHONE);
    directoryAnswers = false;
    const refused = await instance().connect();
    expect(refused).toMatchObject({ ok: false, detail: expect.stringContaining("the directory did not record") });
    expect(must(await api().listVolumes()).filter((v) => v.name === names.volume)).toHaveLength(0);
    expect(createMachineRepo(db.sql).get()).toBeNull();
    directoryAnswers = true;
    const unit = instance();
    await connected(unit);
    expect(recorded).toEqual([names]);
    expect(must(await api().listMachines()).filter((m) => m.name === names.machine)).toHaveLength(1);
    // Once per instance: the next request has nothing more to tell the directory.
    await connected(unit);
    expect(recorded).toHaveLength(1);
  });

  it("a row made before the directory kept owners is recorded at the next instance's first use", async () => {
    const names = await flyResourceNames("relay-token-1", PHONE);
    createMachineRepo(db.sql).claimNames(names, 0);
    directoryAnswers = false;
    // The directory not answering holds up no request on a row that exists already.
    await connected(instance());
    expect(recorded).toEqual([]);
    directoryAnswers = true;
    // The next instance's first work on the Machine (here the alarm's idle action) tells it.
    await idle(instance());
    expect(recorded).toEqual([names]);
  });

  it("is never idled while a run is open", () => {
    const unit = createMachineUnit({
      repo: createMachineRepo(db.sql),
      fly: api(),
      settings: { idleMs: 1_000, idleAction: "suspend", retireMs: 86_400_000, image: "agent:v1", regions: ["iad"], proxyUrl: fly.proxyUrl, relayVmToken: "relay-token-1" },
      phone: PHONE,
      runs: { isOpen: () => true, lastEndedAt: () => null },
      outbox: { add: () => true },
      recordOwner: async () => true,
      log: () => {},
      clock: () => Date.now(),
    });
    createMachineRepo(db.sql).claimNames({ machine: "agent-x", volume: "agent_x" }, 0);
    createMachineRepo(db.sql).patch({ machineId: "m1", volumeId: "vol_1", state: "started", usedAt: 0 }, 0);
    expect(unit.nextDueAt(Date.now())).toBeNull();
  });
});
