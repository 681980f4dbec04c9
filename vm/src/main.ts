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

/** An async function, not top-level await: the image runs this module bundled as CommonJS (docs/vm.md). */
async function serve(config: VmConfig): Promise<void> {
  const server = await startVmServer(config, {
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
