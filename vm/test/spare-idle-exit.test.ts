// A spare never holds the VM up: the server as run (SPARE_AGENTS unset: 2) starts one after a run,
// and the idle exit still comes after IDLE_TIMEOUT_MS, ending it with the warm CLI.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, readEvents, TOKEN } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { spawnVm } from "./helpers/vm-child";

let api: AnthropicStandIn;
beforeAll(async () => {
  api = await startAnthropicStandIn();
});
afterAll(() => api.close());

it("exits when idle with a spare waiting, and leaves no CLI behind", async () => {
  const dataDir = tempDir("vm-spare-idle-");
  const vm = await spawnVm({ DATA_DIR: dataDir, IDLE_TIMEOUT_MS: "4000", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-offline-test", IS_SANDBOX: "1", ALLOW_SHARED_PROC: "1" });
  const userId = "+15550006301";
  const res = await fetch(`${vm.url}/v1/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ runId: "spare-idle-run", userId, sessionId: null, messages: [{ id: "m1", text: "hello" }], options: { permissionMode: "acceptEdits" } }),
  });
  await readEvents(res).waitFor((e) => e.type === "done");
  const { workspace } = userPathsOf(dataDir, userId);
  // The run's warm CLI and the spare started after it.
  await expect.poll(() => processesIn(workspace).length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);
  const exit = await vm.exited;
  expect(exit).toMatchObject({ code: 0, signal: null });
  await expect.poll(() => processesIn(dataDir), { timeout: 10_000, interval: 100 }).toEqual([]);
});
