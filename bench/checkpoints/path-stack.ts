// The checkpoint-path benchmark's stack, all on 127.0.0.1: the offline model, the Twilio emulator,
// two agent VMs (the real VM and CLI; CHECKPOINTS=on and =off) and a relay under `wrangler dev`
// for each. Everything it starts is stopped, and every directory removed, however the work ends.
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { useRunTempDir } from "../../test/helpers/run-temp";
import { startSharedVm } from "../machines/stack";
import { modelEnv } from "../machines/plan";
import { REPO_ROOT } from "../lib/paths";
import { relayVars, startStandIns, type StandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { CHECKPOINT_PHONES, type CheckpointSide, vmEnvFor } from "./path-plan";

export type CheckpointPathStack = {
  twilio: StandIns;
  /** Each side's offline model: what its VM's CLI asked. */
  models: Record<CheckpointSide, AnthropicStandIn>;
  /** Each side's relay, and its VM's DATA_DIR (the run logs say when the VM took each run). */
  relays: Record<CheckpointSide, WranglerDev>;
  vmDataDirs: Record<CheckpointSide, string>;
};

export async function withCheckpointPathStack<T>(log: (line: string) => void, work: (stack: CheckpointPathStack) => Promise<T>): Promise<T> {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const previousTmpdir = process.env.TMPDIR;
  const releaseTemp = useRunTempDir();
  try {
    // A model per VM, so a request one side's CLI makes is never taken for the other side's.
    const modelOn = await startAnthropicStandIn();
    closers.push({ name: "the offline model (on)", close: () => modelOn.close() });
    const modelOff = await startAnthropicStandIn();
    closers.push({ name: "the offline model (off)", close: () => modelOff.close() });
    const asRoot = process.getuid?.() === 0;
    const twilio = await startStandIns();
    closers.push({ name: "the Twilio emulator", close: () => twilio.stop() });
    const vmOn = await startSharedVm(modelEnv(modelOn.url, asRoot), vmEnvFor("on"));
    closers.push({ name: "the VM with checkpoints on", close: () => vmOn.stop() });
    const vmOff = await startSharedVm(modelEnv(modelOff.url, asRoot), vmEnvFor("off"));
    closers.push({ name: "the VM with checkpoints off", close: () => vmOff.stop() });
    // One after another: two wrangler builds at once on two cores would crawl.
    const relayOn = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vmOn.url }, [CHECKPOINT_PHONES.on]) });
    closers.push({ name: "the relay of the VM with checkpoints on", close: () => relayOn.stop() });
    const relayOff = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vmOff.url }, [CHECKPOINT_PHONES.off]) });
    closers.push({ name: "the relay of the VM with checkpoints off", close: () => relayOff.stop() });
    log(`checkpoint-path: relays ${relayOn.url} (VM ${vmOn.url}, CHECKPOINTS=on) and ${relayOff.url} (VM ${vmOff.url}, CHECKPOINTS=off)`);
    return await work({ twilio, models: { on: modelOn, off: modelOff }, relays: { on: relayOn, off: relayOff }, vmDataDirs: { on: vmOn.dataDir, off: vmOff.dataDir } });
  } finally {
    // The relays first, so nothing dispatches to a VM that is going.
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        log(`checkpoint-path: stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    releaseTemp();
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
}
