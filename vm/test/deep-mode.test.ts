// Deep mode: a run's `keepWarmMs` keeps the user's CLI process warm past WARM_SESSION_MS (and
// holds off the VM's idle exit meanwhile); the next run without it goes back to the VM's default.
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, resultsOf, useHarness } from "./helpers/harness";

const idled: number[] = [];
const h = useHarness({ warmSessionMs: 300, idleTimeoutMs: 500 }, { onIdle: () => idled.push(Date.now()) });
const userId = "+15550001003";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("keeps the process warm for keepWarmMs, renewed by each run that carries it", async () => {
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const deep = { permissionMode: "acceptEdits", keepWarmMs: 4_000 } as const;
  const first = resultsOf(await (await h.startRun({ userId, options: deep, text: "deep one" })).end())[0];
  await sleep(1_500);
  // Past WARM_SESSION_MS (300 ms) and the idle timeout (500 ms): still warm, the VM still up.
  expect(processesIn(workspace)).toHaveLength(1);
  expect(idled).toEqual([]);

  const second = await (await h.startRun({ userId, sessionId: first?.sessionId ?? null, options: deep, text: "deep two [[count]]" })).end();
  expect(resultsOf(second)[0]?.text).toContain("seen 2 user messages");
  expect(h.spawns).toHaveLength(1);

  // /end: a run without keepWarmMs; its process lasts WARM_SESSION_MS only.
  await (await h.startRun({ userId, sessionId: first?.sessionId ?? null, text: "normal" })).end();
  expect(h.spawns).toHaveLength(1);
  await expect.poll(() => processesIn(workspace), { timeout: 5_000, interval: 100 }).toEqual([]);
});
