// fly.toml says what docs/deploy.md promises: the Dockerfile, port 8080, stop (not suspend) when
// idle, start on request, no always-on Machine, one agent's concurrency, the volume, a health
// check, and a kill timeout long enough for the VM to flush its runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { expect, it } from "vitest";
import { z } from "zod";
import { VM_ROUTES } from "../../src/protocol/vm/routes";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const seconds = (value: string) => Number(/^(\d+)s$/.exec(value)?.[1] ?? Number.NaN);

const FlySchema = z.object({
  app: z.string().min(1),
  kill_signal: z.literal("SIGTERM"),
  kill_timeout: z.string(),
  build: z.object({ dockerfile: z.literal("vm/Dockerfile") }),
  env: z.object({ PORT: z.literal("8080"), DATA_DIR: z.string(), STOP_GRACE_MS: z.string() }),
  http_service: z.object({
    internal_port: z.literal(8080),
    force_https: z.literal(true),
    auto_stop_machines: z.literal("stop"),
    auto_start_machines: z.literal(true),
    min_machines_running: z.literal(0),
    concurrency: z.object({ type: z.literal("requests"), soft_limit: z.number().int().positive(), hard_limit: z.number().int().positive() }),
    // Liveness: a check on /health (503 while the VM cannot run an agent) would stop the proxy routing to it.
    checks: z.array(z.object({ method: z.literal("GET"), path: z.literal(VM_ROUTES.live) })).min(1),
  }),
  mounts: z.object({ source: z.string().min(1), destination: z.string() }),
  restart: z.array(z.object({ policy: z.literal("on-failure") })).length(1),
});

it("parses and holds the settings the deployment depends on", () => {
  const fly = FlySchema.parse(parse(readFileSync(join(ROOT, "fly.toml"), "utf8")));
  expect(fly.mounts.destination).toBe(fly.env.DATA_DIR);
  expect(fly.http_service.concurrency.soft_limit).toBeLessThanOrEqual(fly.http_service.concurrency.hard_limit);
  // SIGTERM → the CLI's grace → SIGKILL → events flushed: all inside the kill timeout.
  expect(seconds(fly.kill_timeout) * 1000).toBeGreaterThan(Number(fly.env.STOP_GRACE_MS) + 5_000);
  expect(seconds(fly.kill_timeout)).toBeLessThanOrEqual(300);
});
