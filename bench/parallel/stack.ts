// The parallel benchmark's stack, all on 127.0.0.1: the offline model and one agent VM (the real
// VM as `npm run vm` starts it, the real CLI). Everything it starts is stopped, and every
// directory removed (the VM's data, the CLIs' scratch), however the work ends.
import { useRunTempDir } from "../../test/helpers/run-temp";
import { type AnthropicStandIn, startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { startSharedVm } from "../machines/stack";
import { modelEnv } from "../machines/plan";

export type ParallelStack = { model: AnthropicStandIn; vmUrl: string; vmPid: number };

export async function withParallelStack<T>(name: string, settings: Record<string, string>, log: (line: string) => void, work: (stack: ParallelStack) => Promise<T>): Promise<T> {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const previousTmpdir = process.env.TMPDIR;
  const releaseTemp = useRunTempDir();
  try {
    const model = await startAnthropicStandIn();
    closers.push({ name: "the offline model", close: () => model.close() });
    const vm = await startSharedVm(modelEnv(model.url, process.getuid?.() === 0), settings);
    closers.push({ name: "the VM", close: () => vm.stop() });
    log(`parallel: ${name}: VM ${vm.url} (pid ${vm.pid}), model ${model.url}`);
    return await work({ model, vmUrl: vm.url, vmPid: vm.pid });
  } finally {
    for (const { name: what, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        log(`parallel: stopping ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    releaseTemp();
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
}
