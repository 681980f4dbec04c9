// `npm run vm` and the Docker image: the agent VM configured from the environment. Refuses to
// start without VM_TOKEN; exits 0 when idle or after SIGTERM has ended every run cleanly. The
// server checks its CLI once it listens and logs a configuration problem in one line.
import * as z from "zod";
import { describeConfigError, loadVmConfig, type VmConfig } from "./config";
import { startVmServer } from "./server";

let config: VmConfig;
try {
  config = loadVmConfig(process.env);
} catch (error) {
  console.error(`vm: refusing to start: ${error instanceof z.ZodError ? describeConfigError(error) : String(error)}`);
  process.exit(1);
}

/** VM_TIMING=log: a run's marks as JSON lines, on the epoch clock another process can compare with. */
function logTiming(runId: string, mark: string, at: number): void {
  // One line per event delivered would drown the rest: a stream's delivery is not a hop of the path.
  if (mark === "delivered") return;
  console.log(JSON.stringify({ event: "vm_timing", runId, mark, at: Math.round((performance.timeOrigin + at) * 100) / 100 }));
}

/** An async function, not top-level await: the image runs this module bundled as CommonJS (docs/vm.md). */
async function serve(config: VmConfig): Promise<void> {
  const server = await startVmServer(config, {
    ...(config.timing === "log" ? { onTiming: logTiming } : {}),
    onIdle: () => {
      console.log(`vm: idle for ${config.idleTimeoutMs} ms with no active run, exiting`);
      void server.close().then(() => process.exit(0));
    },
  });
  console.log(`vm: listening on ${server.url} (data ${config.dataDir}, cli ${config.claudeBin})`);

  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`vm: ${signal}: ending live runs and flushing their events`);
      void server.close().then(() => process.exit(0));
    });
  }
}

serve(config).catch((error: unknown) => {
  console.error(`vm: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
