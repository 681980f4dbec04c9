// The relay's Machines API client against the stand-in: every call it makes, and each refusal
// classified as the relay must see it (Machines here run the small echo server, not the VM).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentMachineConfig } from "../../src/machines/fly-machine-config";
import type { RunningFlyEmulator } from "../../emulator/fly/server";
import { echoConfig, FLY_APP, flyClient, flyResources, must, viaProxy } from "./fly-helpers";

const { resources, start } = flyResources();
let fly: RunningFlyEmulator;
let client: ReturnType<typeof flyClient>;
const fault = (body: unknown) => fetch(`${fly.apiUrl}/__fly/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  fly = await start();
  client = flyClient(fly);
});
afterAll(() => resources.releaseAll());

describe("volumes", () => {
  it("creates, lists, gets and deletes; names are not unique, as on Fly", async () => {
    const a = must(await client.createVolume({ name: "agent_same", region: "ams", size_gb: 1 }));
    const b = must(await client.createVolume({ name: "agent_same", region: "iad", size_gb: 1 }));
    expect(a).toMatchObject({ name: "agent_same", region: "ams", size_gb: 1, state: "created", attached_machine_id: null });
    expect(must(await client.listVolumes()).filter((v) => v.name === "agent_same").map((v) => v.id).sort()).toEqual([a.id, b.id].sort());
    expect(must(await client.getVolume(a.id)).id).toBe(a.id);
    expect(must(await client.deleteVolume(a.id)).state).toBe("destroyed");
    expect(await client.getVolume(a.id)).toMatchObject({ ok: false, failure: "not_found", status: 404 });
  });

  it("a region without capacity refuses the volume, the next one takes it", async () => {
    await fault({ kind: "capacity", region: "ord", count: 1 });
    expect(await client.createVolume({ name: "agent_cap", region: "ord", size_gb: 1 })).toMatchObject({ ok: false, failure: "no_capacity", status: 400 });
    expect(must(await client.createVolume({ name: "agent_cap", region: "ord", size_gb: 1 })).region).toBe("ord");
  });
});

describe("machines", () => {
  it("create → started → stop → start → suspend → start → destroy, with wait at each step", async () => {
    const volume = must(await client.createVolume({ name: "agent_life", region: "iad", size_gb: 1 }));
    const config = agentMachineConfig({ image: "registry.fly.io/agents:v1", volumeId: volume.id, vmToken: "t".repeat(64) });
    const created = must(await client.createMachine({ name: "agent-life", region: "iad", config }));
    expect(created).toMatchObject({ name: "agent-life", region: "iad", state: "created" });
    expect(created.config.env).toEqual(config.env);
    expect(must(await client.getVolume(volume.id)).attached_machine_id).toBe(created.id);
    must(await client.waitMachine(created.id, { state: "started", timeoutSeconds: 10 }));

    must(await client.stopMachine(created.id));
    must(await client.waitMachine(created.id, { state: "stopped", instanceId: created.instance_id, timeoutSeconds: 10 }));
    expect(must(await client.startMachine(created.id))).toEqual({ previousState: "stopped" });
    must(await client.waitMachine(created.id, { state: "started", timeoutSeconds: 10 }));
    must(await client.suspendMachine(created.id));
    must(await client.waitMachine(created.id, { state: "suspended", timeoutSeconds: 10 }));
    expect(must(await client.startMachine(created.id))).toEqual({ previousState: "suspended" });
    must(await client.waitMachine(created.id, { state: "started", timeoutSeconds: 10 }));

    expect(await client.destroyMachine(created.id)).toMatchObject({ ok: false, failure: "conflict", status: 412 });
    must(await client.destroyMachine(created.id, { force: true }));
    must(await client.waitMachine(created.id, { state: "destroyed", timeoutSeconds: 10 }));
    expect(await client.getMachine(created.id)).toMatchObject({ ok: false, failure: "not_found" });
    expect(must(await client.getVolume(volume.id)).attached_machine_id).toBeNull();
  });

  it("a second create with the same name is a conflict; the name is free again once destroyed", async () => {
    const first = must(await client.createMachine({ name: "agent-dup", region: "iad", config: echoConfig(), skip_launch: true }));
    const again = await client.createMachine({ name: "agent-dup", region: "iad", config: echoConfig(), skip_launch: true });
    expect(again).toMatchObject({ ok: false, failure: "conflict", status: 409 });
    expect(again.ok ? "" : again.message).toContain(`machine ID ${first.id}`);
    must(await client.destroyMachine(first.id));
    must(await client.createMachine({ name: "agent-dup", region: "iad", config: echoConfig(), skip_launch: true }));
  });

  it("an update gives a new instance_id and keeps region and name", async () => {
    const machine = must(await client.createMachine({ name: "agent-upd", region: "iad", config: echoConfig(), skip_launch: true }));
    const updated = must(await client.updateMachine(machine.id, { config: { ...echoConfig(), image: "registry.fly.io/agents:v2" }, skip_launch: true, currentVersion: machine.instance_id }));
    expect(updated.instance_id).not.toBe(machine.instance_id);
    expect(updated).toMatchObject({ name: "agent-upd", region: "iad", config: { image: "registry.fly.io/agents:v2" } });
    expect(await client.updateMachine(machine.id, { config: echoConfig(), currentVersion: machine.instance_id })).toMatchObject({ ok: false, failure: "bad_request" });
  });

  it("wait for stopped without instance_id is refused, as Fly does", async () => {
    const machine = must(await client.createMachine({ name: "agent-wait", region: "iad", config: echoConfig(), skip_launch: true }));
    const res = await fetch(`${fly.apiUrl}/v1/apps/${FLY_APP}/machines/${machine.id}/wait?state=stopped`, { headers: { authorization: "Bearer fly-test-token" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringContaining("instance_id") });
    expect(await client.waitMachine(machine.id, { state: "started", timeoutSeconds: 1 })).toMatchObject({ ok: false, failure: "unavailable", status: 408 });
  });
});

describe("leases", () => {
  it("a change without the holder's nonce gets 409 with the lease's expiry; with it, it goes through", async () => {
    const machine = must(await client.createMachine({ name: "agent-lease", region: "iad", config: echoConfig(), skip_launch: true }));
    const lease = must(await client.acquireLease(machine.id, 30));
    expect(lease.expiresAt).toBeGreaterThan(Date.now());
    const refused = await client.startMachine(machine.id);
    expect(refused).toMatchObject({ ok: false, failure: "lease_held", status: 409 });
    // Fly gives the expiry to the second, so the relay waits to the next one, by when the lease is surely over.
    expect(refused.ok ? 0 : refused.leaseExpiresAt).toBe(Math.floor(lease.expiresAt / 1000) * 1000 + 1000);
    expect(await client.acquireLease(machine.id, 30)).toMatchObject({ ok: false, failure: "lease_held" });
    must(await client.startMachine(machine.id, lease.nonce));
    must(await client.releaseLease(machine.id, lease.nonce));
    must(await client.waitMachine(machine.id, { state: "started", timeoutSeconds: 10 }));
    must(await client.stopMachine(machine.id));
  });

  it("a lease someone else holds until a given time (fault) blocks changes until then", async () => {
    const machine = must(await client.createMachine({ name: "agent-other", region: "iad", config: echoConfig(), skip_launch: true }));
    const until = Date.now() + 1500;
    await fault({ kind: "lease", machineId: machine.id, owner: "deployer@tokens.fly.io", expiresAt: until });
    const refused = await client.suspendMachine(machine.id);
    expect(refused).toMatchObject({ ok: false, failure: "lease_held", leaseExpiresAt: Math.floor(until / 1000) * 1000 + 1000 });
    expect(refused.ok ? 0 : refused.leaseExpiresAt!).toBeGreaterThanOrEqual(until);
    expect(refused.ok ? "" : refused.message).toContain("deployer@tokens.fly.io");
    await new Promise((resolve) => setTimeout(resolve, until - Date.now() + 50));
    must(await client.startMachine(machine.id));
  });
});

describe("faults and refusals", () => {
  it("the next N calls of a path answer 429 or 5xx with Retry-After", async () => {
    await fault({ kind: "http", method: "GET", path: `/v1/apps/${FLY_APP}/volumes`, status: 429, count: 1, retryAfterSeconds: 3 });
    await fault({ kind: "http", method: "GET", path: `/v1/apps/${FLY_APP}/volumes`, status: 503, count: 1, retryAfterSeconds: 2 });
    expect(await client.listVolumes()).toMatchObject({ ok: false, failure: "rate_limited", status: 429, retryAfterMs: 3000 });
    expect(await client.listVolumes()).toMatchObject({ ok: false, failure: "unavailable", status: 503, retryAfterMs: 2000 });
    must(await client.listVolumes());
  });

  it("a `*` in a fault's path matches any Machine", async () => {
    const machine = must(await client.createMachine({ name: "agent-glob", region: "iad", config: echoConfig(), skip_launch: true }));
    await fault({ kind: "http", path: `/v1/apps/${FLY_APP}/machines/*/start`, status: 502, count: 1 });
    expect(await client.startMachine(machine.id)).toMatchObject({ ok: false, failure: "unavailable", status: 502 });
  });

  it("a region without capacity refuses a Machine with insufficient_capacity", async () => {
    await fault({ kind: "capacity", region: "syd", count: 1 });
    expect(await client.createMachine({ name: "agent-syd", region: "syd", config: echoConfig(), skip_launch: true })).toMatchObject({ ok: false, failure: "no_capacity" });
  });

  it("a Machine and a volume deleted behind the relay's back are not_found, and the name is free", async () => {
    const volume = must(await client.createVolume({ name: "agent_gone", region: "iad", size_gb: 1 }));
    const machine = must(await client.createMachine({ name: "agent-gone", region: "iad", config: echoConfig(volume.id) }));
    must(await client.waitMachine(machine.id, { state: "started", timeoutSeconds: 10 }));
    await fault({ kind: "vanish", volumeId: volume.id });
    expect(await client.getMachine(machine.id)).toMatchObject({ ok: false, failure: "not_found" });
    expect(await client.getVolume(volume.id)).toMatchObject({ ok: false, failure: "not_found" });
    expect(await client.createMachine({ name: "agent-gone", region: "iad", config: echoConfig(volume.id), skip_launch: true })).toMatchObject({ ok: false, failure: "not_found", status: 400 });
    expect((await viaProxy(fly, machine.id)).status).toBe(503);
  });

  it("a wrong token is unauthorized; an unknown app not_found; a dead API unreachable", async () => {
    expect(await flyClient(fly, "wrong").listMachines()).toMatchObject({ ok: false, failure: "unauthorized", status: 401 });
    expect(await flyClient(fly, "fly-test-token", "no-such-app").listMachines()).toMatchObject({ ok: false, failure: "not_found", status: 404 });
    expect(await flyClient(fly, "fly-test-token", "no-such-app").listVolumes()).toMatchObject({ ok: false, failure: "not_found", status: 404 });
    const dead = { ...fly, apiUrl: "http://127.0.0.1:1" };
    expect(await flyClient(dead).listMachines()).toMatchObject({ ok: false, failure: "unreachable" });
  });

  it("an answer that is not Fly's shape is bad_body", async () => {
    const fake: typeof fetch = async () => new Response(JSON.stringify({ id: 7 }), { status: 200 });
    const { createFlyMachinesClient } = await import("../../src/machines/fly-machines");
    expect(await createFlyMachinesClient({ apiBase: "http://x", app: "a", token: "t" }, fake).getMachine("m")).toMatchObject({ ok: false, failure: "bad_body" });
  });
});

describe("rate limits", () => {
  it("Fly's per-action limit: a burst of 3, then 429 with Retry-After", async () => {
    const limited = await start({ rateLimits: true });
    const limitedClient = flyClient(limited);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limitedClient.listVolumes());
    expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(results[3]).toMatchObject({ ok: false, failure: "rate_limited", status: 429, retryAfterMs: 1000 });
    // Another action on the same app has its own bucket.
    expect((await limitedClient.listMachines()).ok).toBe(true);
  });
});
