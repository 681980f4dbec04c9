// A suspended Machine (the Fly stand-in's SIGSTOP of the whole process tree) resumes with its idle
// exit and warm CLI where they were: time spent frozen counts for neither. Both still end once
// their awake time has passed.
import { afterEach, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { descendantsOf, isAlive, readProcessTable } from "../../emulator/tools/process-tree";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, readEvents, TOKEN } from "./helpers/harness";
import { spawnVm, type VmChild } from "./helpers/vm-child";
import { tempDir } from "./helpers/temp-dir";

const IDLE_TIMEOUT_MS = 4_000;
const WARM_SESSION_MS = 3_000;
/** Longer than both timeouts, and than the awake clock's freeze threshold (a tick and 5 s). */
const FROZEN_MS = 8_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let api: AnthropicStandIn | null = null;
let vm: VmChild | null = null;
let cliPids: number[] = [];

/** The VM and everything under it, the CLI's own process group included, as the Fly stand-in signals them. */
async function signalTree(pid: number, signal: NodeJS.Signals): Promise<void> {
  // Twice, as the stand-in does: a process forked while the first pass ran is caught by the second.
  for (let pass = 0; pass < 2; pass++) {
    for (const target of [pid, ...descendantsOf([pid], await readProcessTable())]) {
      try {
        process.kill(target, signal);
      } catch {
        // Gone meanwhile.
      }
    }
  }
}

afterEach(async () => {
  const pid = vm?.child.pid;
  if (pid !== undefined && vm?.child.exitCode === null && vm.child.signalCode === null) {
    await signalTree(pid, "SIGCONT");
    vm.child.kill("SIGKILL");
    await vm.exited;
  }
  for (const cli of cliPids.filter(isAlive)) process.kill(cli, "SIGKILL");
  await api?.close();
  vm = null;
  api = null;
  cliPids = [];
});

it("keeps the warm CLI and the VM up across a suspension, then ends both after their awake time", async () => {
  api = await startAnthropicStandIn();
  const dataDir = tempDir("vm-suspend-");
  vm = await spawnVm({
    DATA_DIR: dataDir,
    IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    WARM_SESSION_MS: String(WARM_SESSION_MS),
    // The warm CLI alone: a spare would be a second process in the workspace, started whenever its
    // start wins the race with the freeze. A spare's own end on awake time is spare-idle-exit.test.ts's.
    SPARE_AGENTS: "0",
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: "sk-offline-test",
    IS_SANDBOX: "1",
  });
  const running = vm;
  const vmPid = running.child.pid!;
  let exitedAt: number | null = null;
  void running.exited.then((exit) => (exitedAt = exit.at));

  const userId = "+15550000921";
  const res = await fetch(`${running.url}/v1/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ runId: "suspend-run", userId, sessionId: null, messages: [{ id: "m1", text: "hello before the night" }], options: { permissionMode: "acceptEdits" } }),
  });
  expect((await readEvents(res).end()).at(-1)).toMatchObject({ type: "done" });
  const doneAt = Date.now();
  const workspace = userPathsOf(dataDir, userId).workspace;
  cliPids = processesIn(workspace);
  expect(cliPids).toHaveLength(1);

  await signalTree(vmPid, "SIGSTOP");
  const frozenAt = Date.now();
  await sleep(FROZEN_MS);
  await signalTree(vmPid, "SIGCONT");
  const resumedAt = Date.now();
  // Awake for well under either timeout before the freeze, and past both of them in wall time.
  expect(frozenAt - doneAt).toBeLessThan(1_000);
  expect(resumedAt - doneAt).toBeGreaterThan(IDLE_TIMEOUT_MS + 2_000);

  await sleep(500);
  expect(exitedAt).toBeNull();
  expect((await fetch(`${running.url}/health`)).status).toBe(200);
  expect(cliPids.filter(isAlive)).toEqual(cliPids);
  expect(running.output()).toMatch(/vm: frozen for \d+\.\d s \(the Machine was suspended\)/);

  // The warm process ends once its awake time is up (the freeze counted as one 1 s tick at most).
  await expect.poll(() => processesIn(workspace), { timeout: WARM_SESSION_MS + 2_000, interval: 100 }).toEqual([]);
  const warmEndedAt = Date.now();
  expect(warmEndedAt - resumedAt).toBeLessThan(WARM_SESSION_MS + 2_000);
  // Then the VM exits idle, on awake time too: a process's end counts as activity, so from there.
  const exit = await running.exited;
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.at - warmEndedAt).toBeLessThan(IDLE_TIMEOUT_MS + 2_000);
  expect(running.output()).toContain(`idle for ${IDLE_TIMEOUT_MS} ms with no active run, exiting`);
});
