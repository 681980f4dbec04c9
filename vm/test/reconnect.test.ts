// Reconnecting with `?after=N` returns only the later events, from memory, from the run log once
// the VM has restarted, and a run that was live when the VM died is closed with vm_restarted.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userKeyOf } from "../src/users/user-paths";
import { readEvents, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();

it("replays only events after N, live and after a restart", async () => {
  const runId = uniqueId("run");
  const all = await (await h.startRun({ runId, text: '[[tool Bash {"command":"echo one","description":"x"}]]', options: { permissionMode: "bypassPermissions" } })).end();
  expect(all.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);

  const later = await readEvents(await h.call("GET", `/v1/runs/${runId}/events?after=2`)).end();
  expect(later).toEqual(all.slice(2));
  expect(await readEvents(await h.call("GET", `/v1/runs/${runId}/events?after=4`)).end()).toEqual([]);

  await h.restart();
  expect(await readEvents(await h.call("GET", `/v1/runs/${runId}/events?after=1`)).end()).toEqual(all.slice(1));
  expect((await h.call("GET", "/v1/runs/never-seen/events?after=0")).status).toBe(404);
  expect((await h.call("GET", `/v1/runs/${runId}/events?after=-1`)).status).toBe(400);
});

it("closes a run the previous VM left live with vm_restarted, cutting a torn last line", async () => {
  const runId = uniqueId("dangling");
  const runs = join(h.dataDir, ".runs");
  writeFileSync(join(runs, `${runId}.meta.json`), JSON.stringify({ runId, userKey: userKeyOf(h.dataDir, "+15550000700"), createdAt: Date.now() }));
  appendFileSync(join(runs, `${runId}.ndjson`), `${JSON.stringify({ seq: 1, type: "session", sessionId: "s-1" })}\n{"seq":2,"type":"progr`);
  await h.restart();
  const events = await readEvents(await h.call("GET", `/v1/runs/${runId}/events?after=0`)).end();
  expect(events).toEqual([
    { seq: 1, type: "session", sessionId: "s-1" },
    { seq: 2, type: "error", code: "vm_restarted", message: "the VM restarted while the run was live" },
  ]);
});
