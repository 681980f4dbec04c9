// Each Machine of the Fly stand-in is a real process tree: suspend freezes it (memory kept),
// start thaws it, a dropped snapshot means a cold boot, stop signals then restarts on the same
// volume, the proxy streams to it, and nothing outlives the stand-in. Machines run the echo server.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningFlyEmulator } from "../../emulator/fly/server";
import { echoConfig, ECHO_MACHINE, FLY_APP, FLY_TOKEN, flyClient, flyResources, hostView, must, processState, sleep, viaProxy } from "./fly-helpers";

const { resources, start } = flyResources();
let fly: RunningFlyEmulator;
let client: ReturnType<typeof flyClient>;
type Echo = { pid: number; hits: number; note: string | null; body: string; env: Record<string, string | undefined>; headers: Record<string, string> };
const echo = async (res: Response) => (await res.json()) as Echo;

async function startedMachine(name: string, extra: Record<string, unknown> = {}) {
  const volume = must(await client.createVolume({ name: name.replace(/-/g, "_"), region: "iad", size_gb: 1 }));
  const machine = must(await client.createMachine({ name, region: "iad", config: echoConfig(volume.id, extra) }));
  must(await client.waitMachine(machine.id, { state: "started", timeoutSeconds: 10 }));
  return { volume, machine };
}

beforeAll(async () => {
  fly = await start({ secrets: { SECRET: "from-fly-secrets", ANTHROPIC_API_KEY: "app-secret" } });
  client = flyClient(fly);
});
afterAll(() => resources.releaseAll());

describe("a Machine's environment", () => {
  it("has its config env over the app's secrets, PORT, and DATA_DIR pointing at the volume's directory", async () => {
    const { machine } = await startedMachine("agent-env");
    const view = await hostView(fly, machine.id);
    const body = await echo(await viaProxy(fly, machine.id));
    expect(body.env).toMatchObject({ DATA_DIR: view.volumeDir, FLY_MACHINE_ID: machine.id, SECRET: "config-env" });
    expect(view.port).toBeGreaterThan(0);
  });
});

describe("launch", () => {
  it("a request right after the create waits for the launch under way instead of booting a second process", async () => {
    const machine = must(await client.createMachine({ name: "agent-eager", region: "iad", config: echoConfig() }));
    expect(machine.state).toBe("created");
    const body = await echo(await viaProxy(fly, machine.id));
    expect((await hostView(fly, machine.id)).pid).toBe(body.pid);
    expect(body.hits).toBe(1);
  });
});

describe("suspend and resume", () => {
  it("freezes the whole tree with SIGSTOP; a request through the proxy resumes it with its memory", async () => {
    const { machine } = await startedMachine("agent-freeze");
    const before = await echo(await viaProxy(fly, machine.id, "/write/kept"));
    must(await client.suspendMachine(machine.id));
    must(await client.waitMachine(machine.id, { state: "suspended", timeoutSeconds: 10 }));
    expect(await processState(before.pid)).toMatch(/^T/);

    const after = await echo(await viaProxy(fly, machine.id));
    expect(after.pid).toBe(before.pid);
    expect(after.hits).toBe(before.hits + 1);
    expect(await processState(before.pid)).not.toMatch(/^T/);
    expect(must(await client.getMachine(machine.id)).state).toBe("started");
  });

  it("a dropped snapshot (deploy, host migration) makes the next start a cold boot on the same volume", async () => {
    const { machine } = await startedMachine("agent-cold");
    const before = await echo(await viaProxy(fly, machine.id, "/write/on-volume"));
    must(await client.suspendMachine(machine.id));
    must(await client.waitMachine(machine.id, { state: "suspended", timeoutSeconds: 10 }));
    await fetch(`${fly.apiUrl}/__fly/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "drop_snapshot", machineId: machine.id }) });
    expect(await processState(before.pid)).toBeNull();

    must(await client.startMachine(machine.id));
    must(await client.waitMachine(machine.id, { state: "started", timeoutSeconds: 10 }));
    const after = await echo(await viaProxy(fly, machine.id));
    expect(after.pid).not.toBe(before.pid);
    expect(after.hits).toBe(1);
    expect(after.note).toBe("on-volume");
  });
});

describe("stop and start", () => {
  it("sends stop_config's signal, then a start spawns the Machine again on the same volume", async () => {
    const { machine, volume } = await startedMachine("agent-stop");
    const before = await echo(await viaProxy(fly, machine.id, "/write/survives"));
    must(await client.stopMachine(machine.id));
    must(await client.waitMachine(machine.id, { state: "stopped", instanceId: machine.instance_id, timeoutSeconds: 10 }));
    const dir = (await hostView(fly, machine.id)).volumeDir!;
    expect(readFileSync(join(dir, "signals.txt"), "utf8")).toBe("SIGTERM\n");
    expect(dir).toContain(volume.id);

    // The service has autostart on: the proxy starts the stopped Machine.
    const after = await echo(await viaProxy(fly, machine.id));
    expect(after.pid).not.toBe(before.pid);
    expect(after.note).toBe("survives");
  });
});

describe("the proxy", () => {
  it("streams the Machine's answer as it is written, and forwards the request body", async () => {
    const { machine } = await startedMachine("agent-stream");
    const res = await viaProxy(fly, machine.id, "/stream");
    const reader = res.body!.getReader();
    const startedAt = Date.now();
    const first = await reader.read();
    const firstAt = Date.now() - startedAt;
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    const total = Date.now() - startedAt;
    expect(new TextDecoder().decode(first.value)).toBe("data: 0\n\n");
    expect(rest).toContain("data: 2");
    // The three events are 100 ms apart: the first arrived long before the end.
    expect(total - firstAt).toBeGreaterThan(150);

    const posted = await echo(await viaProxy(fly, machine.id, "/", { method: "POST", body: "hello machine" }));
    expect(posted.body).toBe("hello machine");
  });

  it("answers Fly's proxy errors: an unknown Machine, and a stopped one whose service has autostart off", async () => {
    const unknown = await viaProxy(fly, "0123456789abcd");
    expect(unknown.status).toBe(503);
    expect(await unknown.text()).toMatch(/^PR02/);

    const volume = must(await client.createVolume({ name: "agent_noauto", region: "iad", size_gb: 1 }));
    const config = echoConfig(volume.id);
    config.services = [{ ...config.services[0]!, autostart: false }];
    const machine = must(await client.createMachine({ name: "agent-noauto", region: "iad", config, skip_launch: true }));
    const refused = await viaProxy(fly, machine.id);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/^PR01/);
  });
});

describe("when the stand-in dies", () => {
  it("its Machines die with it, even from SIGKILL (the watchdog)", async () => {
    const dataDir = resources.track(mkdtempSync(join(tmpdir(), "fly-standin-killed-")), (dir) => rmSync(dir, { recursive: true, force: true }));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "emulator/fly/main.ts", "--api-port", "0", "--proxy-port", "0", "--data-dir", dataDir, "--app", "a", "--token", "t", "--no-rate-limits", "--command", JSON.stringify(ECHO_MACHINE)],
      { cwd: join(import.meta.dirname, "../.."), stdio: ["ignore", "pipe", "inherit"] },
    );
    resources.track(child, (c) => c.kill("SIGKILL"));
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const deadline = Date.now() + 20_000;
    while (!/Machines API on (\S+),/.test(out) && Date.now() < deadline) await sleep(50);
    const api = /Machines API on (\S+),/.exec(out)?.[1];
    expect(api).toBeDefined();
    const remote = flyClient({ ...fly, apiUrl: api! }, "t", "a");
    const machine = must(await remote.createMachine({ name: "agent-orphan", region: "iad", config: echoConfig() }));
    must(await remote.waitMachine(machine.id, { state: "started", timeoutSeconds: 10 }));
    const { pid } = (await (await fetch(`${api}/__fly/machines/${machine.id}`)).json()) as { pid: number };
    expect(await processState(pid)).not.toBeNull();

    child.kill("SIGKILL");
    const gone = Date.now() + 5_000;
    while (Date.now() < gone && !/^(Z|$)/.test((await processState(pid)) ?? "")) await sleep(50);
    expect((await processState(pid)) ?? "").toMatch(/^(Z|$)/);
  });
});

describe("when the stand-in starts again on the same data directory", () => {
  it("knows its Machines and volumes, stopped, and a start boots them on the same volume", async () => {
    const dataDir = resources.track(mkdtempSync(join(tmpdir(), "fly-standin-again-")), (dir) => rmSync(dir, { recursive: true, force: true }));
    const first = await start({ dataDir });
    const firstClient = flyClient(first);
    const volume = must(await firstClient.createVolume({ name: "agent_again", region: "iad", size_gb: 1 }));
    const machine = must(await firstClient.createMachine({ name: "agent-again", region: "iad", config: echoConfig(volume.id) }));
    must(await firstClient.waitMachine(machine.id, { state: "started", timeoutSeconds: 10 }));
    expect((await echo(await viaProxy(first, machine.id, "/write/kept"))).note).toBe("kept");
    const idle = must(await firstClient.createMachine({ name: "agent-never-started", region: "iad", config: echoConfig(), skip_launch: true }));
    await first.close();

    const again = await start({ dataDir });
    const client2 = flyClient(again);
    const back = must(await client2.getMachine(machine.id));
    expect(back).toMatchObject({ id: machine.id, name: "agent-again", state: "stopped", instance_id: machine.instance_id, config: { mounts: [{ volume: volume.id }] } });
    const raw = (await (await fetch(`${again.apiUrl}/v1/apps/${FLY_APP}/machines/${machine.id}`, { headers: { authorization: `Bearer ${FLY_TOKEN}` } })).json()) as { events: unknown[] };
    expect(raw.events[0]).toMatchObject({ type: "exit", status: "stopped", source: "flyd" });
    expect(must(await client2.getMachine(idle.id)).state).toBe("created");
    expect(must(await client2.getVolume(volume.id))).toMatchObject({ state: "created", attached_machine_id: machine.id });
    // The name is still taken, as on Fly.
    expect((await client2.createMachine({ name: "agent-again", region: "iad", config: echoConfig() })).ok).toBe(false);
    // Through the proxy (autostart), the Machine boots again on its volume.
    expect((await echo(await viaProxy(again, machine.id))).note).toBe("kept");
    expect(must(await client2.getMachine(machine.id)).state).toBe("started");
  });

  it("refuses to start on a state file it cannot read, saying which and what to do", async () => {
    const dataDir = resources.track(mkdtempSync(join(tmpdir(), "fly-standin-bad-")), (dir) => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dataDir, "state.json"), JSON.stringify({ version: 1, machines: [{ id: "nope" }], volumes: [] }));
    await expect(start({ dataDir })).rejects.toThrow(/state\.json is not the stand-in's state: .*move it away/);
  });
});
