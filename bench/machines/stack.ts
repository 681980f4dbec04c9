// The machines benchmark's stack, all on 127.0.0.1: the offline model, the Twilio emulator, the
// Fly Machines API stand-in and its proxy (each Machine the real agent VM), today's shared VM
// (the same VM as one process), and two relays under `wrangler dev`, one per VM_MODE. Everything
// it starts is stopped, and every directory removed, however the work inside ends.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFlyEmulator, startFlyEmulator, VM_COMMAND } from "../../emulator/fly/server";
import { guardGroup } from "../../scripts/stack/reaper";
import { createFlyMachinesClient, type FlyMachinesClient } from "../../src/machines/fly-machines";
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { spawnGroup, stopGroup } from "../lib/children";
import { freePort } from "../../emulator/tools/free-port";
import { REPO_ROOT } from "../lib/paths";
import { withStackScope } from "../lib/stack-scope";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns, type StandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { BENCH_PHONES, FLY_BENCH, machinesVars, modelEnv } from "./plan";
import { timingMarkOf, type VmTimingMark } from "../warm-path/plan";

export type MachinesStack = {
  model: AnthropicStandIn;
  twilio: StandIns;
  fly: RunningFlyEmulator;
  flyClient: FlyMachinesClient;
  /** The stand-in's last log lines (starts, stops, the proxy's autostarts), for the details. */
  flyLog: string[];
  /** The Machines' VM timing marks (VM_TIMING=log on their stdout): whether a run took a spare. */
  machineMarks: VmTimingMark[];
  machinesRelay: WranglerDev;
  sharedRelay: WranglerDev;
  /** The shared VM's DATA_DIR (its run logs say when it took each run). */
  sharedVmDataDir: string;
  /** The stand-in's data directory: its state.json records when each Machine was created (ms). */
  flyDataDir: string;
};

const FLY_LOG_LINES = 200;
const VM_READY_MS = 60_000;

/** Runs `work` against a fresh stack (its processes' TMPDIR and clean-up: lib/stack-scope.ts). */
export function withMachinesStack<T>(log: (line: string) => void, work: (stack: MachinesStack) => Promise<T>): Promise<T> {
  // Stopped last started first: the relays first, so nothing starts a Machine while the stand-in closes.
  return withStackScope("machines", log, async (onClose) => {
    const runningAsRoot = process.getuid?.() === 0;
    const model = await startAnthropicStandIn();
    onClose("the offline model", () => model.close());
    const secrets = modelEnv(model.url, runningAsRoot);
    const twilio = await startStandIns();
    onClose("the Twilio emulator", () => twilio.stop());

    const flyDir = await mkdtemp(join(tmpdir(), "bench-fly-"));
    onClose("the Fly data directory", () => rm(flyDir, { recursive: true, force: true }));
    const flyLog: string[] = [];
    const machineMarks: VmTimingMark[] = [];
    const fly = await startFlyEmulator({
      apiPort: 0,
      proxyPort: 0,
      dataDir: flyDir,
      apps: [FLY_BENCH.app],
      tokens: [FLY_BENCH.token],
      primaryRegion: FLY_BENCH.region,
      secrets: { ...secrets, VM_TIMING: "log" },
      log: (line) => {
        const mark = timingMarkOf(line.replace(/^\[machine [^\]]+\] /, ""));
        if (mark) return void machineMarks.push(mark);
        flyLog.push(`${new Date().toISOString()} ${line}`);
        if (flyLog.length > FLY_LOG_LINES) flyLog.shift();
      },
    });
    onClose("the Fly stand-in and its Machines", () => fly.close());

    const sharedVm = await startSharedVm(secrets);
    onClose("the shared VM", () => sharedVm.stop());

    // One after another, as the other sections start them: two wrangler builds at once on two cores would crawl.
    const machinesRelay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(twilio, [BENCH_PHONES.machines], machinesVars(fly)) });
    onClose("the machines-mode relay", () => machinesRelay.stop());
    const sharedRelay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: sharedVm.url }, [BENCH_PHONES.shared]) });
    onClose("the shared-mode relay", () => sharedRelay.stop());
    log(`machines: relays ${machinesRelay.url} (machines) and ${sharedRelay.url} (shared); Fly API ${fly.apiUrl}, proxy ${fly.proxyUrl}; model ${model.url}`);

    const flyClient = createFlyMachinesClient({ apiBase: fly.apiUrl, app: FLY_BENCH.app, token: FLY_BENCH.token });
    return await work({ model, twilio, fly, flyClient, flyLog, machineMarks, machinesRelay, sharedRelay, sharedVmDataDir: sharedVm.dataDir, flyDataDir: flyDir });
  });
}

/**
 * Today's shared VM: the same command the Fly stand-in runs for each Machine (`npm run vm`'s),
 * started once with VM_URL's token, on a free port, with a data directory of its own. `settings`:
 * more of the VM's variables (the checkpoint-path section's `CHECKPOINTS`). `pid`: the server's
 * process (the parallel section reads the memory of its process tree). `onStdoutLine`: each line
 * the VM prints (the warm-path section reads its VM_TIMING=log marks). `vmDir`: another checkout's
 * `vm/` (bench/profile/vm-ab.ts runs an older VM beside this one).
 */
export async function startSharedVm(
  secrets: Record<string, string>,
  settings: Record<string, string> = {},
  onStdoutLine?: (line: string) => void,
  vmDir = join(REPO_ROOT, "vm"),
): Promise<{ url: string; dataDir: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort("127.0.0.1");
  const dataDir = await mkdtemp(join(tmpdir(), "bench-shared-vm-"));
  const env: Record<string, string> = { ...secrets, ...settings, VM_TOKEN: STAND_IN_CREDENTIALS.vmToken, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir };
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  const [command, ...args] = VM_COMMAND;
  const child = spawnGroup(command!, args, { cwd: vmDir, env, stdio: ["ignore", "pipe", "pipe"], side: "machine" });
  const release = guardGroup(child.pid);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout!.on("data", keep);
  if (onStdoutLine) {
    let partial = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onStdoutLine(line);
    });
  }
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
