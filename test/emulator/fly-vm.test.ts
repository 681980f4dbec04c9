// One Machine of the Fly stand-in running the real agent VM (`npm run vm`'s command), reached
// through the proxy with its own derived VM_TOKEN: it answers, refuses another phone's token,
// keeps its process across a suspension, and boots again on its volume after a stop. One Machine
// only: each real VM takes about a second to start.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VM_COMMAND, type RunningFlyEmulator } from "../../emulator/fly/server";
import { machineVmToken } from "../../src/machines/fly-identity";
import { agentMachineConfig } from "../../src/machines/fly-machine-config";
import { flyClient, flyResources, hostView, must, processState } from "./fly-helpers";

const RELAY_TOKEN = "relay-vm-token-for-tests";
const PHONE = "+15550002101";
const OTHER_PHONE = "+15550002102";
const { resources, start } = flyResources();
let fly: RunningFlyEmulator;
let machineId = "";
let token = "";

/** A route that needs the token: a run that does not exist is 404 with it, 401 without it. */
const probe = (authorization: string) =>
  fetch(`${fly.proxyUrl}/v1/runs/no-such-run/events`, { headers: { "fly-force-instance-id": machineId, authorization } });

beforeAll(async () => {
  // The app's secrets carry the model's key, as `fly secrets set` does in production: without one the
  // VM answers /health 503 naming it. No model request is made here. ALLOW_SHARED_PROC=1 as the local
  // stack's Machines get it: the stand-in's Machines share this host's /proc, which has no hidepid=2,
  // and a VM as root answers /health 503 naming that without it.
  fly = await start({ command: VM_COMMAND, cwd: undefined, secrets: { IDLE_TIMEOUT_MS: "600000", ANTHROPIC_API_KEY: "sk-ant-fly-stand-in-test", ALLOW_SHARED_PROC: "1" } });
  const client = flyClient(fly);
  token = await machineVmToken(RELAY_TOKEN, PHONE);
  const volume = must(await client.createVolume({ name: "agent_vm", region: "iad", size_gb: 1 }));
  const machine = must(await client.createMachine({ name: "agent-vm", region: "iad", config: agentMachineConfig({ image: "registry.fly.io/agents:test", volumeId: volume.id, vmToken: token }) }));
  machineId = machine.id;
  must(await client.waitMachine(machineId, { state: "started", timeoutSeconds: 30 }));
}, 60_000);
afterAll(() => resources.releaseAll());

describe("the agent VM as a Fly Machine", () => {
  it("answers through the proxy with its own token, and refuses another phone's", async () => {
    const health = await fetch(`${fly.proxyUrl}/health`, { headers: { "fly-force-instance-id": machineId, authorization: `Bearer ${token}` } });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    expect((await probe(`Bearer ${token}`)).status).toBe(404);
    expect((await probe(`Bearer ${await machineVmToken(RELAY_TOKEN, OTHER_PHONE)}`)).status).toBe(401);
    expect((await probe(`Bearer ${RELAY_TOKEN}`)).status).toBe(401);
  });

  it("is frozen when suspended and answers from the same process when the proxy resumes it", async () => {
    const client = flyClient(fly);
    const { pid } = await hostView(fly, machineId);
    must(await client.suspendMachine(machineId));
    must(await client.waitMachine(machineId, { state: "suspended", timeoutSeconds: 10 }));
    expect(await processState(pid!)).toMatch(/^T/);
    expect((await probe(`Bearer ${token}`)).status).toBe(404);
    expect((await hostView(fly, machineId)).pid).toBe(pid);
  });

  it("after a stop, the proxy boots a new VM process on the same volume", async () => {
    const client = flyClient(fly);
    const before = await hostView(fly, machineId);
    must(await client.stopMachine(machineId));
    must(await client.waitMachine(machineId, { state: "stopped", instanceId: must(await client.getMachine(machineId)).instance_id, timeoutSeconds: 40 }));
    expect((await probe(`Bearer ${token}`)).status).toBe(404);
    const after = await hostView(fly, machineId);
    expect(after.pid).not.toBe(before.pid);
    expect(after.volumeDir).toBe(before.volumeDir);
  }, 60_000);
});
