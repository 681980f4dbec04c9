import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_TEMPLATE_SID, testBindings } from "./test/worker/test-env.ts";
import { ADMIN_TEST_BINDINGS } from "./test/worker-admin/admin-env.ts";
import { machinesBindings } from "./test/worker-machines/machines-env.ts";
import { archiveBindings } from "./test/worker-archive/archive-env.ts";
import { ARCHIVE_SHARED_BINDINGS } from "./test/worker-archive-shared/archive-shared-env.ts";
import { telegramBindings } from "./test/worker-telegram/telegram-env.ts";

/**
 * Marks every process of the run and ends them all once vitest's main process is gone (a run
 * stopped by SIGINT or SIGTERM): for the projects whose tests start processes.
 */
const RUN_GUARD = "test/helpers/run-guard.ts";

/** Worker + Durable Object tests inside workerd, against the stand-ins of global-setup.ts. */
function workerProject(
  name: string,
  include: string,
  extraBindings: Record<string, string> | ((inject: Inject) => Record<string, string>),
  options: { globalSetup?: string; testTimeout?: number } = {},
) {
  return {
    plugins: [
      cloudflareTest(async ({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...testBindings({ twilioBase: inject("twilioBase"), vmUrl: inject("vmUrl"), transcriberUrl: inject("transcriberUrl") }),
            ...(typeof extraBindings === "function" ? extraBindings(inject) : extraBindings),
          },
        },
      })),
    ],
    test: { name, include: [include], globalSetup: [options.globalSetup ?? "test/worker/global-setup.ts"], testTimeout: options.testTimeout ?? 30_000 },
  };
}
type Inject = <K extends "flyApiUrl" | "flyProxyUrl" | "telegramBase">(key: K) => string;

export default defineConfig({
  test: {
    projects: [
      {
        // Pure and CPU-bound (property tests, whole-year DST tables): beside a loaded suite on two
        // cores a few take several seconds, so vitest's 5 s default would fail them on load alone.
        test: { name: "core", include: ["test/core/**/*.test.ts"], environment: "node", testTimeout: 30_000 },
      },
      {
        // The channel layer's pure modules (src/channels/), in plain Node.
        test: { name: "channels", include: ["test/channels/**/*.test.ts"], environment: "node" },
      },
      workerProject("worker", "test/worker/**/*.test.ts", {}),
      // The same Worker with an approved WhatsApp template configured.
      workerProject("worker-template", "test/worker-template/**/*.test.ts", { TWILIO_TEMPLATE_SID: TEST_TEMPLATE_SID }),
      // The same Worker with a low per-user rate limit, and progress updates paced in seconds, not minutes.
      workerProject("worker-limits", "test/worker-limits/**/*.test.ts", { MAX_MESSAGES_PER_MINUTE: "3", PROGRESS_AFTER_MS: "1000", PROGRESS_EVERY_MS: "2000" }),
      // The same Worker with a daily budget of two answers (the VM stand-in reports $0.001 each).
      workerProject("worker-budget", "test/worker-budget/**/*.test.ts", { DAILY_BUDGET_USD: "0.002" }),
      // The same Worker with admins and operator numbers of its own (+15550001910 … +15550001979).
      workerProject("worker-admin", "test/worker-admin/**/*.test.ts", ADMIN_TEST_BINDINGS),
      // The same Worker with VM_MODE=machines: each phone's own Machine in the Fly stand-in.
      workerProject("worker-machines", "test/worker-machines/**/*.test.ts", (inject) => machinesBindings({ flyApiUrl: inject("flyApiUrl"), flyProxyUrl: inject("flyProxyUrl") }), {
        globalSetup: "test/worker-machines/global-setup.ts",
        testTimeout: 60_000,
      }),
      // The same Worker and Fly stand-in with idle users archived to R2 after seconds (ARCHIVE_AFTER_DAYS).
      workerProject("worker-archive", "test/worker-archive/**/*.test.ts", (inject) => archiveBindings({ flyApiUrl: inject("flyApiUrl"), flyProxyUrl: inject("flyProxyUrl") }), {
        globalSetup: "test/worker-machines/global-setup.ts",
        testTimeout: 60_000,
      }),
      // The same Worker on the shared VM stand-in with idle users archived after seconds: their directory deleted, not a Machine.
      workerProject("worker-archive-shared", "test/worker-archive-shared/**/*.test.ts", ARCHIVE_SHARED_BINDINGS, { testTimeout: 60_000 }),
      // The same Worker with a Telegram bot, its Bot API the stand-in of emulator/telegram/.
      workerProject("worker-telegram", "test/worker-telegram/**/*.test.ts", (inject) => telegramBindings(inject("telegramBase")), { globalSetup: "test/worker-telegram/global-setup.ts" }),
      {
        test: { name: "emulator", include: ["test/emulator/**/*.test.ts"], environment: "node", globalSetup: [RUN_GUARD] },
      },
      {
        // The Durable Object's units and repositories against a real SQLite in Node (node:sqlite).
        // The seeded simulation composes every unit as the object does: the modules beside them
        // that import `cloudflare:workers` get a stub, and a migration file loads as its text.
        resolve: { alias: { "cloudflare:workers": new URL("./test/simulation/cloudflare-workers-stub.mjs", import.meta.url).pathname } },
        plugins: [{ name: "sql-as-text", transform: (code: string, id: string) => (id.endsWith(".sql") ? `export default ${JSON.stringify(code)};` : undefined) }],
        test: { name: "units", include: ["test/units/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
      },
      {
        // The local stack: unit tests of scripts/ and end-to-end tests that each start a whole
        // stack (wrangler dev, the VM with the real CLI, the emulator), so one file at a time.
        test: {
          name: "e2e",
          // bench/soak: `npm run soak`'s pure parts, and its short soak of a whole stack under faults.
          include: ["test/scripts/**/*.test.ts", "test/e2e/**/*.test.ts", "bench/soak/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 240_000,
          pool: "forks",
          // One file at a time; vitest also runs such a project after the parallel ones.
          fileParallelism: false,
          // Their VMs make users' network namespaces as root too: swept, and the forwarding switches put back.
          globalSetup: [RUN_GUARD, "vm/test/helpers/netns-sweep.ts"],
        },
      },
      {
        test: { name: "vm", include: ["vm/test/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 60_000, globalSetup: [RUN_GUARD, "vm/test/helpers/netns-sweep.ts"] },
      },
      {
        // The benchmark's own modules (statistics, load generator, checks); no timing is asserted.
        test: { name: "bench", include: ["bench/test/**/*.test.ts"], environment: "node" },
      },
    ],
  },
});
