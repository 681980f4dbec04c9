// The parallel benchmark's stack, all on 127.0.0.1: the offline model and one agent VM (the real
// VM as `npm run vm` starts it, the real CLI). Everything it starts is stopped, and every
// directory removed (the VM's data, the CLIs' scratch), however the work ends.
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { withStackScope } from "../lib/stack-scope";
import { startSharedVm } from "../machines/stack";
import { modelEnv } from "../machines/plan";

export type ParallelStack = { model: AnthropicStandIn; vmUrl: string; vmPid: number };

export function withParallelStack<T>(name: string, settings: Record<string, string>, log: (line: string) => void, work: (stack: ParallelStack) => Promise<T>): Promise<T> {
  return withStackScope("parallel", log, async (onClose) => {
    const model = await startAnthropicStandIn();
    onClose("the offline model", () => model.close());
    const vm = await startSharedVm(modelEnv(model.url, process.getuid?.() === 0), settings);
    onClose("the VM", () => vm.stop());
    log(`parallel: ${name}: VM ${vm.url} (pid ${vm.pid}), model ${model.url}`);
    return await work({ model, vmUrl: vm.url, vmPid: vm.pid });
  });
}
