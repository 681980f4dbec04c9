// Cancel stops the CLI's whole process group and ends the run with `error: cancelled`; open
// streams get heartbeats while the run is quiet.
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ heartbeatMs: 200 });

it("cancels a running tool: the process group is gone and the run ends cancelled", async () => {
  const runId = uniqueId("run");
  const userId = "+15550000100";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const command = 'node -e \\"setTimeout(() => {}, 60000)\\"';
  const reader = await h.startRun({ runId, userId, text: `[[tool Bash {"command":"${command}","description":"wait"}]]`, options: { permissionMode: "bypassPermissions" } });
  await reader.waitFor((e) => e.type === "progress");
  // The CLI and the tool's own process both run in the user's workspace.
  await expect.poll(() => processesIn(workspace).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await expect.poll(() => reader.lines.filter((l) => l.type === "heartbeat").length, { timeout: 5_000 }).toBeGreaterThan(0);

  expect((await h.call("POST", `/v1/runs/${runId}/cancel`)).status).toBe(202);
  const events = await reader.end();
  expect(events.at(-1)).toMatchObject({ type: "error", code: "cancelled" });
  expect(processesIn(workspace)).toEqual([]);
  // Cancelling again is harmless; an unknown run is 404.
  expect((await h.call("POST", `/v1/runs/${runId}/cancel`)).status).toBe(202);
  expect((await h.call("POST", "/v1/runs/never-started/cancel")).status).toBe(404);
});
