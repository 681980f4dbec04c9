// `npm run vm` and the Docker image: the agent VM configured from the environment. Refuses to
// start without VM_TOKEN; exits 0 when idle or after SIGTERM has ended every run cleanly.
import * as z from "zod";
import { describeConfigError, loadVmConfig, type VmConfig } from "./config.js";
import { startVmServer } from "./server.js";

let config: VmConfig;
try {
  config = loadVmConfig(process.env);
} catch (error) {
  console.error(`vm: refusing to start: ${error instanceof z.ZodError ? describeConfigError(error) : String(error)}`);
  process.exit(1);
}
// The CLI accepts exactly "1": any other value (say "yes") fails every run as cli_crashed.
if (process.getuid?.() === 0 && config.cliEnv.IS_SANDBOX !== "1") {
  const seen = config.cliEnv.IS_SANDBOX === undefined ? "unset" : `"${config.cliEnv.IS_SANDBOX}"`;
  console.warn(`vm: running as root with IS_SANDBOX ${seen}: the CLI refuses bypassPermissions runs unless IS_SANDBOX=1 (see docs/vm.md)`);
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
