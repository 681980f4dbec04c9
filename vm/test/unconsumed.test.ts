// Input the CLI never read before it exited comes back as `unconsumed`, so the relay re-queues it.
import { expect, it } from "vitest";
import { uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();

it("reports queued input as unconsumed when the run is cancelled before the CLI reads it", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, messages: [{ id: "m1", text: "long task [[slow 30000]]" }] });
  await reader.waitFor((e) => e.type === "session");
  expect((await h.call("POST", `/v1/runs/${runId}/input`, { messages: [{ id: "m2", text: "later" }, { id: "m3", text: "and this" }] })).status).toBe(202);
  expect((await h.call("POST", `/v1/runs/${runId}/cancel`)).status).toBe(202);
  const events = await reader.end();
  expect(events.slice(1)).toEqual([
    { seq: 2, type: "unconsumed", messageIds: ["m2", "m3"] },
    { seq: 3, type: "error", code: "cancelled", message: "cancelled through /cancel" },
  ]);
});
