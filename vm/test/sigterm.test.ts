// SIGTERM (Fly stopping the Machine) during a run: the run ends with `vm_restarted` on the open
// stream and in its log, the CLI is stopped, and the VM exits 0; a new VM serves the same log.
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, readEvents, TOKEN } from "./helpers/harness";
import { spawnVm } from "./helpers/vm-child";
import { tempDir } from "./helpers/temp-dir";

let api: AnthropicStandIn;
beforeAll(async () => {
  api = await startAnthropicStandIn();
});
afterAll(() => api.close());

it("ends the live run with vm_restarted, flushes it, and exits 0", async () => {
  const dataDir = tempDir("vm-sigterm-");
  const env = { DATA_DIR: dataDir, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test" };
  const vm = await spawnVm(env);
  const userId = "+15550001000";
  const res = await fetch(`${vm.url}/v1/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ runId: "term-run", userId, sessionId: null, messages: [{ id: "m1", text: "[[slow 60000]]" }], options: { permissionMode: "acceptEdits" } }),
  });
  const reader = readEvents(res);
  await reader.waitFor((e) => e.type === "session");

  vm.child.kill("SIGTERM");
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "error"]);
  expect(events[1]).toMatchObject({ seq: 2, code: "vm_restarted", message: "the VM stopped while the run was live" });
  expect((await vm.exited).code).toBe(0);
  expect(processesIn(userPathsOf(dataDir, userId).workspace)).toEqual([]);

  const next = await spawnVm(env);
  const replay = await readEvents(await fetch(`${next.url}/v1/runs/term-run/events?after=0`, { headers: { authorization: `Bearer ${TOKEN}` } })).end();
  expect(replay).toEqual(events);
  next.child.kill("SIGTERM");
  expect((await next.exited).code).toBe(0);
});
