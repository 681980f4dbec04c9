// The machines benchmark's stack, all on 127.0.0.1: the offline model, the Twilio emulator, the
// Fly Machines API stand-in and its proxy (each Machine the real agent VM), today's shared VM
// (the same VM as one process), and two relays under `wrangler dev`, one per VM_MODE. Everything
// it starts is stopped, and every directory removed, however the work inside ends.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFlyEmulator, startFlyEmulator, VM_COMMAND } from "../../emulator/fly/server";
import { guardGroup } from "../../scripts/stack/reaper";
import { createFlyMachinesClient, type FlyMachinesClient } from "../../src/objects/clients/fly-machines";
import { useRunTempDir } from "../../test/helpers/run-temp";
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { spawnGroup, stopGroup } from "../lib/children";
import { freePort } from "../lib/free-port";
import { REPO_ROOT } from "../lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns, type StandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { BENCH_PHONES, FLY_BENCH, machinesVars, modelEnv } from "./plan";

export type MachinesStack = {
  model: AnthropicStandIn;
  twilio: StandIns;
  fly: RunningFlyEmulator;
  flyClient: FlyMachinesClient;
  /** The stand-in's last log lines (starts, stops, the proxy's autostarts), for the details. */
  flyLog: string[];
  machinesRelay: WranglerDev;
  sharedRelay: WranglerDev;
  /** The shared VM's DATA_DIR (its run logs say when it took each run). */
  sharedVmDataDir: string;
};

const FLY_LOG_LINES = 200;
const VM_READY_MS = 60_000;

/**
 * Runs `work` against a fresh stack. The processes get a temporary directory of their own as
 * TMPDIR (removed at the end with the agents' CLI socket directories, test/helpers/run-temp.ts);
 * this process's TMPDIR is put back after, for the sections that follow.
 */
export async function withMachinesStack<T>(log: (line: string) => void, work: (stack: MachinesStack) => Promise<T>): Promise<T> {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const previousTmpdir = process.env.TMPDIR;
  const releaseTemp = useRunTempDir();
  try {
    const runningAsRoot = process.getuid?.() === 0;
    const model = await startAnthropicStandIn();
    closers.push({ name: "the offline model", close: () => model.close() });
    const secrets = modelEnv(model.url, runningAsRoot);
    const twilio = await startStandIns();
    closers.push({ name: "the Twilio emulator", close: () => twilio.stop() });

    const flyDir = await mkdtemp(join(tmpdir(), "bench-fly-"));
    closers.push({ name: "the Fly data directory", close: () => rm(flyDir, { recursive: true, force: true }) });
    const flyLog: string[] = [];
    const fly = await startFlyEmulator({
      apiPort: 0,
      proxyPort: 0,
      dataDir: flyDir,
      apps: [FLY_BENCH.app],
      tokens: [FLY_BENCH.token],
      primaryRegion: FLY_BENCH.region,
      secrets,
      log: (line) => {
        flyLog.push(`${new Date().toISOString()} ${line}`);
        if (flyLog.length > FLY_LOG_LINES) flyLog.shift();
      },
    });
    closers.push({ name: "the Fly stand-in and its Machines", close: () => fly.close() });

    const sharedVm = await startSharedVm(secrets);
    closers.push({ name: "the shared VM", close: () => sharedVm.stop() });

    // One after another, as the other sections start them: two wrangler builds at once on two cores would crawl.
    const machinesRelay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(twilio, [BENCH_PHONES.machines], machinesVars(fly)) });
    closers.push({ name: "the machines-mode relay", close: () => machinesRelay.stop() });
    const sharedRelay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: sharedVm.url }, [BENCH_PHONES.shared]) });
    closers.push({ name: "the shared-mode relay", close: () => sharedRelay.stop() });
    log(`machines: relays ${machinesRelay.url} (machines) and ${sharedRelay.url} (shared); Fly API ${fly.apiUrl}, proxy ${fly.proxyUrl}; model ${model.url}`);

    const flyClient = createFlyMachinesClient({ apiBase: fly.apiUrl, app: FLY_BENCH.app, token: FLY_BENCH.token });
    return await work({ model, twilio, fly, flyClient, flyLog, machinesRelay, sharedRelay, sharedVmDataDir: sharedVm.dataDir });
  } finally {
    // The relays first, so nothing starts a Machine while the stand-in closes.
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        log(`machines: stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    releaseTemp();
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
}

/**
 * Today's shared VM: the same command the Fly stand-in runs for each Machine (`npm run vm`'s),
 * started once with VM_URL's token, on a free port, with a data directory of its own. `settings`:
 * more of the VM's variables (the checkpoint-path section's `CHECKPOINTS`). `pid`: the server's
 * process (the parallel section reads the memory of its process tree).
 */
export async function startSharedVm(secrets: Record<string, string>, settings: Record<string, string> = {}): Promise<{ url: string; dataDir: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "bench-shared-vm-"));
  const env: Record<string, string> = { ...secrets, ...settings, VM_TOKEN: STAND_IN_CREDENTIALS.vmToken, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir };
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  const [command, ...args] = VM_COMMAND;
  const child = spawnGroup(command!, args, { cwd: join(REPO_ROOT, "vm"), env, stdio: ["ignore", "pipe", "pipe"] });
  const release = guardGroup(child.pid);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child);
    release();
    await rm(dataDir, { recursive: true, force: true });
  };
  for (const until = Date.now() + VM_READY_MS; ; await new Promise((r) => setTimeout(r, 200))) {
    const ready = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) return { url, dataDir, pid: child.pid!, stop };
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`the shared VM did not answer /health within ${VM_READY_MS} ms:\n${tail.join("\n")}`);
    }
  }
}
