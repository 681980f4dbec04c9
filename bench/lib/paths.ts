// Where things are, independent of the directory the bench was started from.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));
export const HELLO_WORKER_DIR = fileURLToPath(new URL("../fixtures/hello-worker/", import.meta.url));
export const DURABLE_FLOOR_WORKER_DIR = fileURLToPath(new URL("../fixtures/durable-floor-worker/", import.meta.url));
/** wrangler's CLI script, run with the bench's own Node (the repo's pinned one under npm scripts). */
export const WRANGLER_BIN = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
export const COST_PROBE_WORKER_DIR = fileURLToPath(new URL("../fixtures/cost-probe-worker/", import.meta.url));
/** wrangler's dev server without its inspector (BENCH_DEV_INSPECTOR=off). */
export const DEV_SERVER_NO_INSPECTOR = join(dirname(fileURLToPath(import.meta.url)), "dev-server-no-inspector.ts");
