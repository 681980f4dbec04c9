// Starts the Fly Machines API stand-in and its proxy on two local ports: what the relay's
// `machines` mode, its tests and `npm start -- --machines` talk to (docs/fly-machines.md).
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createAdaptorServer } from "@hono/node-server";
import { z } from "zod";
import { createFlyApp } from "./app";
import type { FlyContext } from "./context";
import { createMachines } from "./shell/machines";
import { createFlyProxy } from "./shell/proxy";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The agent VM as `npm run vm` starts it (vm/package.json), run from vm/. */
export const VM_COMMAND = [process.execPath, "--expose-gc", "--no-opt", "--no-sparkplug", "--max-semi-space-size=1", "--import", "tsx", "src/main.ts"];

export const FlyEmulatorOptionsSchema = z.object({
  apiPort: z.number().int().min(0).max(65535).default(4280),
  proxyPort: z.number().int().min(0).max(65535).default(4281),
  host: z.string().min(1).default("127.0.0.1"),
  dataDir: z.string().min(1),
  apps: z.array(z.string().regex(/^[a-z0-9-]{1,63}$/)).min(1),
  tokens: z.array(z.string().min(1)).min(1),
  /** What each started Machine runs; its image is not pulled. */
  command: z.array(z.string()).min(1).default(VM_COMMAND),
  cwd: z.string().default(`${REPO_ROOT}vm`),
  secrets: z.record(z.string(), z.string()).default({}),
  primaryRegion: z.string().regex(/^[a-z]{3}$/).default("iad"),
  /** Fly's per-action limits; off only for tests that are not about them. */
  rateLimits: z.boolean().default(true),
  log: z.custom<(line: string) => void>((v) => typeof v === "function").default(() => (line: string) => console.log(line)),
  now: z.custom<() => number>((v) => typeof v === "function").default(() => Date.now),
});
export type FlyEmulatorOptions = z.input<typeof FlyEmulatorOptionsSchema>;

export type RunningFlyEmulator = { apiUrl: string; proxyUrl: string; context: FlyContext; close(): Promise<void> };

export async function startFlyEmulator(options: FlyEmulatorOptions): Promise<RunningFlyEmulator> {
  const config = FlyEmulatorOptionsSchema.parse(options);
  mkdirSync(config.dataDir, { recursive: true });
  const machines = createMachines(
    { dataDir: config.dataDir, command: config.command, cwd: config.cwd, secrets: config.secrets, primaryRegion: config.primaryRegion, log: config.log },
    config.now,
  );
  const capacity = new Map<string, number>();
  const context: FlyContext = {
    apps: new Set(config.apps),
    orgs: new Map(),
    tokens: config.tokens,
    primaryRegion: config.primaryRegion,
    leaseOwner: "local@tokens.fly.io",
    machines,
    limits: { enabled: config.rateLimits, buckets: new Map(), faults: [] },
    capacity,
    takeCapacityFault(region) {
      const left = capacity.get(region);
      if (left === undefined) return false;
      if (left <= 1) capacity.delete(region);
      else capacity.set(region, left - 1);
      return true;
    },
    now: config.now,
  };
  const api = createAdaptorServer({ fetch: createFlyApp(context).fetch, overrideGlobalObjects: false }) as Server;
  const proxy = createFlyProxy(machines, config.log);
  try {
    await listen(api, config.apiPort, config.host);
    await listen(proxy, config.proxyPort, config.host);
  } catch (error) {
    api.close();
    proxy.close();
    throw error;
  }
  const base = (server: Server) => `http://${config.host}:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: base(api),
    proxyUrl: base(proxy),
    context,
    async close() {
      await machines.closeAll();
      await Promise.all(
        [api, proxy].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
