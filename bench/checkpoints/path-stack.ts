// The checkpoint-path benchmark's stack, all on 127.0.0.1: the offline model, the Twilio emulator,
// two agent VMs (the real VM and CLI; CHECKPOINTS=on and =off) and a relay under `wrangler dev`
// for each. Everything it starts is stopped, and every directory removed, however the work ends.
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { startSharedVm } from "../machines/stack";
import { modelEnv } from "../machines/plan";
import { REPO_ROOT } from "../lib/paths";
import { withStackScope } from "../lib/stack-scope";
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

export function withCheckpointPathStack<T>(log: (line: string) => void, work: (stack: CheckpointPathStack) => Promise<T>): Promise<T> {
  // Stopped last started first: the relays first, so nothing dispatches to a VM that is going.
  return withStackScope("checkpoint-path", log, async (onClose) => {
    // A model per VM, so a request one side's CLI makes is never taken for the other side's.
    const modelOn = await startAnthropicStandIn();
    onClose("the offline model (on)", () => modelOn.close());
    const modelOff = await startAnthropicStandIn();
    onClose("the offline model (off)", () => modelOff.close());
    const asRoot = process.getuid?.() === 0;
    const twilio = await startStandIns();
    onClose("the Twilio emulator", () => twilio.stop());
    const vmOn = await startSharedVm(modelEnv(modelOn.url, asRoot), vmEnvFor("on"));
    onClose("the VM with checkpoints on", () => vmOn.stop());
    const vmOff = await startSharedVm(modelEnv(modelOff.url, asRoot), vmEnvFor("off"));
    onClose("the VM with checkpoints off", () => vmOff.stop());
    // One after another: two wrangler builds at once on two cores would crawl.
    const relayOn = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vmOn.url }, [CHECKPOINT_PHONES.on]) });
    onClose("the relay of the VM with checkpoints on", () => relayOn.stop());
    const relayOff = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vmOff.url }, [CHECKPOINT_PHONES.off]) });
    onClose("the relay of the VM with checkpoints off", () => relayOff.stop());
    log(`checkpoint-path: relays ${relayOn.url} (VM ${vmOn.url}, CHECKPOINTS=on) and ${relayOff.url} (VM ${vmOff.url}, CHECKPOINTS=off)`);
    return await work({ twilio, models: { on: modelOn, off: modelOff }, relays: { on: relayOn, off: relayOff }, vmDataDirs: { on: vmOn.dataDir, off: vmOff.dataDir } });
  });
}
