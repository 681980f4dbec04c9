import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/worker/test-env";

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "core", include: ["test/core/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: testBindings({ twilioBase: inject("twilioBase"), vmUrl: inject("vmUrl") }) },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/worker/global-setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: { name: "emulator", include: ["test/emulator/**/*.test.ts"], environment: "node" },
      },
      {
        test: { name: "vm", include: ["vm/test/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 60_000 },
      },
    ],
  },
});
