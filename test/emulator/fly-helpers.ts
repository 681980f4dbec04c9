// Test helpers for the Fly stand-in: a started stand-in in a temporary data directory, removed
// with every process it started when the file's tests end (even when set-up failed halfway).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFlyEmulator, type FlyEmulatorOptions, type RunningFlyEmulator } from "../../emulator/fly/server";
import { createFlyMachinesClient } from "../../src/machines/fly-machines";
import { createResources } from "../helpers/resources";

export const FLY_APP = "agents-test";
export const FLY_TOKEN = "fly-test-token";
export const ECHO_MACHINE = [process.execPath, fileURLToPath(new URL("./fly-echo-machine.mjs", import.meta.url))];

export function flyResources() {
  const resources = createResources();
  return {
    resources,
    async start(options: Partial<FlyEmulatorOptions> = {}): Promise<RunningFlyEmulator> {
      const dataDir = resources.track(mkdtempSync(join(tmpdir(), "fly-standin-")), (dir) => rmSync(dir, { recursive: true, force: true }));
      const lines: string[] = [];
      return resources.track(
        startFlyEmulator({
          apiPort: 0,
          proxyPort: 0,
          dataDir,
          apps: [FLY_APP],
          tokens: [FLY_TOKEN],
          command: ECHO_MACHINE,
          cwd: dataDir,
          rateLimits: false,
          log: (line) => lines.push(line),
          ...options,
        }),
        (fly) => fly.close(),
      );
    },
  };
}

export function flyClient(fly: RunningFlyEmulator, token = FLY_TOKEN, app = FLY_APP) {
  return createFlyMachinesClient({ apiBase: fly.apiUrl, app, token });
}

export function must<T>(result: { ok: true; value: T } | { ok: false; failure: string; message?: string }): T {
  if (!result.ok) throw new Error(`expected success, got ${result.failure}: ${result.message ?? ""}`);
  return result.value;
}

export function echoConfig(volumeId?: string, extra: Record<string, unknown> = {}) {
  return {
    image: "registry.fly.io/agents:test",
    guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
    env: { DATA_DIR: "/data", SECRET: "config-env" },
    mounts: volumeId ? [{ volume: volumeId, path: "/data" }] : [],
    services: [{ protocol: "tcp" as const, internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }], autostart: true, autostop: "off" as const }],
    restart: { policy: "on-failure" as const, max_retries: 1 },
    stop_config: { signal: "SIGTERM" as const, timeout: "2s" },
    metadata: {},
    ...extra,
  };
}

export function viaProxy(fly: RunningFlyEmulator, machineId: string, path = "/", init: RequestInit = {}): Promise<Response> {
  return fetch(`${fly.proxyUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), "fly-force-instance-id": machineId } });
}

export async function hostView(fly: RunningFlyEmulator, machineId: string): Promise<{ state: string; pid: number | null; port: number | null; snapshot: boolean; volumeDir: string | null }> {
  return (await fetch(`${fly.apiUrl}/__fly/machines/${machineId}`)).json() as never;
}

/** `ps` state letters of a process (T: stopped by a signal), or null when it is gone. */
export async function processState(pid: number): Promise<string | null> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) =>
    execFile("ps", ["-o", "stat=", "-p", String(pid)], (error, stdout) => resolve(error ? null : stdout.trim() || null)),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
