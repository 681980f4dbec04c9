// The child side of harness.ts: starts the VM server in-process here with the configuration the
// test gave (VM_TEST_CONFIG, JSON) and relays its hooks to the test over the IPC channel, so the
// server runs with the image's capabilities while the test keeps the machine's (image-caps.ts).
import { startVmServer, type VmHooks, type VmServer } from "../../src/server";

type Timing = Parameters<NonNullable<VmHooks["onTiming"]>>;

export type ChildMessage =
  | { type: "listening"; url: string; port: number }
  | { type: "failed"; message: string }
  | { type: "timing"; runId: string; mark: Timing[1]; epochAt: number; event?: Timing[3] }
  | { type: "idle" }
  | { type: "closed" };

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.env.VM_TEST_CONFIG ?? "{}");
  let server: VmServer | null = null;
  const close = () =>
    void (server?.close() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        if (process.connected) send({ type: "closed" });
        process.exit(0);
      });
  process.on("message", (message: { type?: string }) => message.type === "close" && close());
  // The test's process is gone (killed, or a failed setup that never closed this): so is this server.
  process.on("disconnect", close);
  try {
    server = await startVmServer(config, {
      // performance.now() is this process's own clock: the epoch's goes across.
      onTiming: (runId, mark, at, event) => send({ type: "timing", runId, mark, epochAt: performance.timeOrigin + at, ...(event ? { event } : {}) }),
      ...(process.env.VM_TEST_RELAY_IDLE === "1" ? { onIdle: () => send({ type: "idle" }) } : {}),
    });
    send({ type: "listening", url: server.url, port: server.port });
  } catch (error) {
    send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

void main();
