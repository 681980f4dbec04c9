// Measures the stand-in's paths to a Machine running the real agent VM, through the proxy with
// autostart: a request to a started Machine, to a suspended one (SIGCONT), to a stopped one (a new
// VM process). Prints the median and range of each. `npx tsx emulator/fly/tools/cold-path.ts [rounds]`
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineVmToken } from "../../../src/machines/fly-identity";
import { agentMachineConfig } from "../../../src/machines/fly-machine-config";
import { createFlyMachinesClient } from "../../../src/machines/fly-machines";
import { startFlyEmulator } from "../server";

const rounds = Number(process.argv[2] ?? 5);
const dataDir = mkdtempSync(join(tmpdir(), "fly-cold-path-"));
const fly = await startFlyEmulator({ apiPort: 0, proxyPort: 0, dataDir, apps: ["bench"], tokens: ["t"], rateLimits: false, log: () => {} });
try {
  const client = createFlyMachinesClient({ apiBase: fly.apiUrl, app: "bench", token: "t" });
  const must = <T>(r: { ok: true; value: T } | { ok: false; failure: string }): T => {
    if (!r.ok) throw new Error(r.failure);
    return r.value;
  };
  const token = await machineVmToken("bench-relay-token", "+15550009999");
  const volume = must(await client.createVolume({ name: "agent_bench", region: "iad", size_gb: 1 }));
  const timed = async () => {
    const startedAt = performance.now();
    const res = await fetch(`${fly.proxyUrl}/v1/runs/none/events`, { headers: { "fly-force-instance-id": machine.id, authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 404) throw new Error(`unexpected ${res.status}`);
    return performance.now() - startedAt;
  };
  const bootAt = performance.now();
  const machine = must(await client.createMachine({ name: "agent-bench", region: "iad", config: agentMachineConfig({ image: "local", volumeId: volume.id, vmToken: token }) }));
  await timed();
  const firstBoot = performance.now() - bootAt;
  const samples: Record<string, number[]> = { started: [], suspended: [], stopped: [] };
  for (let i = 0; i < rounds; i++) {
    samples.started!.push(await timed());
    must(await client.suspendMachine(machine.id));
    must(await client.waitMachine(machine.id, { state: "suspended", timeoutSeconds: 30 }));
    samples.suspended!.push(await timed());
    const { instance_id } = must(await client.getMachine(machine.id));
    must(await client.stopMachine(machine.id));
    must(await client.waitMachine(machine.id, { state: "stopped", instanceId: instance_id, timeoutSeconds: 60 }));
    samples.stopped!.push(await timed());
  }
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`first boot (create → first answer): ${fmt(firstBoot)}`);
  for (const [from, list] of Object.entries(samples)) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`${from.padEnd(9)} → answer: p50 ${fmt(sorted[Math.floor(sorted.length / 2)]!)}, min ${fmt(sorted[0]!)}, max ${fmt(sorted.at(-1)!)} (${list.length} rounds)`);
  }
} finally {
  await fly.close();
  rmSync(dataDir, { recursive: true, force: true });
}
