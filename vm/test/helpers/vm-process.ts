// The VM server of harness.ts in a child process started as the image starts it (image-caps.ts),
// driven over IPC (server-child.ts): the test's `startVmServer`, with the hooks that can cross.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { VmConfigInput } from "../../src/config";
import type { VmHooks, VmServer } from "../../src/server";
import type { ChildMessage } from "./server-child";
import { asImageRuns } from "./image-caps";
import { ID_SWITCH_GUARD_FLAG } from "./id-switch-guard";

const VM_DIR = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = fileURLToPath(new URL("./server-child.ts", import.meta.url));
const ID_SWITCH_MARK = "vm-test: id switch attempted: ";
const CLOSE_WAIT_MS = 30_000;

export type VmProcess = VmServer & { pid: number; output: () => string; idSwitches: () => string[] };

/** Hooks that are functions the server calls for an answer (memory) cannot cross: the caller keeps such a server in-process. */
export async function startVmProcess(config: VmConfigInput, hooks: Pick<VmHooks, "onTiming" | "onIdle">): Promise<VmProcess> {
  const { command, args } = asImageRuns([ID_SWITCH_GUARD_FLAG, "--import", "tsx", ENTRY]);
  const child = spawn(command, args, {
    cwd: VM_DIR,
    env: { ...process.env, VM_TEST_CONFIG: JSON.stringify(config), VM_TEST_RELAY_IDLE: hooks.onIdle ? "1" : "" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.on("message", (message: ChildMessage) => {
    if (message.type === "timing") hooks.onTiming?.(message.runId, message.mark, message.epochAt - performance.timeOrigin, message.event);
    if (message.type === "idle") hooks.onIdle?.();
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const started = await new Promise<ChildMessage>((resolve) => {
    child.on("message", (message: ChildMessage) => (message.type === "listening" || message.type === "failed") && resolve(message));
    void exited.then(() => resolve({ type: "failed", message: `the VM process ended before listening: ${output}` }));
    child.once("error", (error) => resolve({ type: "failed", message: `the VM process could not start: ${error.message}` }));
  });
  if (started.type !== "listening") {
    await kill();
    throw new Error(started.type === "failed" ? started.message : "the VM process did not start");
  }
  return {
    url: started.url,
    port: started.port,
    pid: child.pid ?? 0,
    output: () => output,
    idSwitches: () => output.split("\n").filter((line) => line.startsWith(ID_SWITCH_MARK)).map((line) => line.slice(ID_SWITCH_MARK.length)),
    async close() {
      if (child.connected) child.send({ type: "close" });
      const timer = setTimeout(() => void kill(), CLOSE_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
