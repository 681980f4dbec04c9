import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "core", include: ["test/core/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: { name: "worker", include: ["test/worker/**/*.test.ts"] },
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
