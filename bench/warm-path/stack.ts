// The warm-path benchmark's stack, all on 127.0.0.1: the offline model, the Twilio emulator, the
// agent VM as shipped (the real VM and CLI, checkpoints on) printing its timing marks, the relay
// under `wrangler dev`, and the two floors: a hello-world Worker under `wrangler dev` and a bare
// CLI on the same model, with the relay's tools, instructions and settings as the VM's CLI has them; and two references: the durable floor Worker sending each message it stored
// to a loopback server (what a Worker, an object's insert, its commit and one fetch out take), and
// the VM itself, reached directly (the section sends those runs).
// Everything it starts is stopped, and every directory removed, however the work ends.
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { DURABLE_FLOOR_WORKER_DIR, REPO_ROOT, HELLO_WORKER_DIR } from "../lib/paths";
import { withStackScope } from "../lib/stack-scope";
import { relayVars, startStandIns, type StandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { type BareCli, startBareCli } from "../machines/bare-cli";
import { modelEnv } from "../machines/plan";
import { startSharedVm } from "../machines/stack";
import { type DispatchTarget, startDispatchTarget } from "./dispatch-target";
import { relayToolArgs } from "../../vm/src/core/cli-command";
import { httpToolsConfig, httpToolsServer, relayOptions } from "../lib/relay-tools-http";
import { timingMarkOf, VM_ALONE_OPTIONS, type VmTimingMark, WARM_PATH_PHONE } from "./plan";

export type WarmPathStack = {
  model: AnthropicStandIn;
  twilio: StandIns;
  relay: WranglerDev;
  hello: WranglerDev;
  bareCli: BareCli;
  /** The agent VM's own URL: the VM-alone reference's runs go straight to it. */
  vmUrl: string;
  /** The VM server's pid: its CPU and its CLIs' are read under it. */
  vmPid: number;
  /** The durable floor (signature, form, one insert in a Durable Object) sending each message it stored to `dispatchTarget`. */
  dispatchFloor: WranglerDev;
  dispatchTarget: DispatchTarget;
  /** The VM's timing marks so far (VM_TIMING=log), in the order it printed them. */
  vmMarks: VmTimingMark[];
};

export function withWarmPathStack<T>(log: (line: string) => void, work: (stack: WarmPathStack) => Promise<T>): Promise<T> {
  return withStackScope("warm-path", log, async (onClose) => {
    const model = await startAnthropicStandIn();
    onClose("the offline model", () => model.close());
    const asRoot = process.getuid?.() === 0;
    const twilio = await startStandIns();
    onClose("the Twilio emulator", () => twilio.stop());
    const vmMarks: VmTimingMark[] = [];
    const vm = await startSharedVm(modelEnv(model.url, asRoot), { VM_TIMING: "log" }, (line) => {
      const mark = timingMarkOf(line);
      if (mark) vmMarks.push(mark);
    });
    onClose("the VM", () => vm.stop());
    const relay = await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: vm.url }, [WARM_PATH_PHONE]) });
    onClose("the relay", () => relay.stop());
    const hello = await startWranglerDev({ cwd: HELLO_WORKER_DIR, readyPath: "/" });
    onClose("the hello-world Worker", () => hello.stop());
    // The CLI floor loads what the VM's CLI loads for a chat run: the relay's tool set over HTTP
    // (served here, as the VM serves it), the approvals' prompt tool, the instructions and settings.
    const tools = await httpToolsServer(0, () => {}, { schedules: VM_ALONE_OPTIONS.scheduleTools, approvals: VM_ALONE_OPTIONS.approvals !== undefined });
    onClose("the relay's tools for the bare CLI", () => tools.close());
    const bareCli = await startBareCli(model, modelEnv(model.url, asRoot), async (home) => [...relayOptions(home), ...relayToolArgs(await httpToolsConfig(home, tools.url), VM_ALONE_OPTIONS)]);
    onClose("the bare CLI", () => bareCli.stop());
    const dispatchTarget = await startDispatchTarget();
    onClose("the dispatch target", () => dispatchTarget.close());
    const dispatchFloor = await startWranglerDev({ cwd: DURABLE_FLOOR_WORKER_DIR, readyPath: "/", varsFor: relayVars({ twilioUrl: twilio.twilioUrl, vmUrl: dispatchTarget.url }, [], { DISPATCH_URL: dispatchTarget.url }) });
    onClose("the durable floor", () => dispatchFloor.stop());
    log(`warm-path: relay ${relay.url} (VM ${vm.url}), hello-world Worker ${hello.url}, a bare CLI, the durable floor ${dispatchFloor.url} dispatching to ${dispatchTarget.url}`);
    return await work({ model, twilio, relay, hello, bareCli, vmUrl: vm.url, vmPid: vm.pid, vmMarks, dispatchFloor, dispatchTarget });
  });
}
