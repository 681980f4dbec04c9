// Idle shutdown: with no active run and no request for IDLE_TIMEOUT_MS the VM exits with code 0
// (so the Fly Machine stops); never while a run is active, however long it is quiet.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { readEvents, TOKEN } from "./helpers/harness";
import { spawnVm } from "./helpers/vm-child";
import { tempDir } from "./helpers/temp-dir";

let api: AnthropicStandIn;
beforeAll(async () => {
  api = await startAnthropicStandIn();
});
afterAll(() => api.close());

const envFor = (idleMs: number) => ({
  DATA_DIR: tempDir("vm-idle-"),
  IDLE_TIMEOUT_MS: String(idleMs),
  ANTHROPIC_BASE_URL: api.url,
  ANTHROPIC_API_KEY: "sk-offline-test",
  IS_SANDBOX: "1",
});

it("exits with code 0 after IDLE_TIMEOUT_MS without requests", async () => {
  const vm = await spawnVm(envFor(800));
  // Health checks are not activity: Fly polls them, and they must not keep the VM up.
  const poll = setInterval(() => void fetch(`${vm.url}/health`).catch(() => {}), 100);
  const exit = await vm.exited;
  clearInterval(poll);
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(vm.output()).toContain("idle for 800 ms with no active run, exiting");
});

it("never exits during a run, even one with no request and no open stream for longer than the timeout", async () => {
  const env = envFor(800);
  const vm = await spawnVm(env);
  let exitedAt: number | null = null;
  void vm.exited.then((exit) => (exitedAt = exit.at));
  const abort = new AbortController();
  const res = await fetch(`${vm.url}/v1/runs`, {
    method: "POST",
    signal: abort.signal,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ runId: "idle-run", userId: "+15550000900", sessionId: null, messages: [{ id: "m1", text: "take your time [[slow 3000]]" }], options: { permissionMode: "acceptEdits" } }),
  });
  const reader = readEvents(res);
  await reader.waitFor((e) => e.type === "session");
  // Drop the stream: from here on, only the live run keeps the VM up.
  abort.abort();
  const log = join(env.DATA_DIR, ".runs", "idle-run.ndjson");
  await expect.poll(() => readFileSync(log, "utf8"), { timeout: 30_000, interval: 100 }).toContain('"type":"done"');
  const doneAt = Date.now();
  expect(exitedAt).toBeNull();
  const exit = await vm.exited;
  expect(exit.code).toBe(0);
  expect(exit.at).toBeGreaterThanOrEqual(doneAt);
});
