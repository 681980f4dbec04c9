// A run with the real CLI: the session first, a progress line for a tool, the result with its
// cost, then done; every event also written to DATA_DIR/.runs/<runId>.ndjson.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();

it("reports session, result (text, cost, turns, duration) and done for one message", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, text: "what is in this repo?" });
  expect(reader.status).toBe(200);
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "result", "done"]);
  expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
  const [session, result] = events;
  expect(session).toMatchObject({ type: "session", sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(result).toMatchObject({
    type: "result",
    text: expect.stringMatching(/^\[offline model\] You said: «what is in this repo\?»\. This conversation has 1 user message\. Offline I can /),
    isError: false,
    subtype: "success",
    numTurns: 1,
    sessionId: session?.type === "session" ? session.sessionId : "",
  });
  if (result?.type !== "result") throw new Error("no result");
  expect(result.costUsd).toBeGreaterThan(0);
  expect(result.durationMs).toBeGreaterThan(0);
  const logged = readFileSync(join(h.dataDir, ".runs", `${runId}.ndjson`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(logged).toEqual(events);
});

it("reports a tool the agent uses as one short progress line before the result", async () => {
  const reader = await h.startRun({ userId: "+15550000002", text: '[[tool Bash {"command":"echo progress-check","description":"echo"}]]', options: { permissionMode: "bypassPermissions" } });
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  expect(events[1]).toMatchObject({ type: "progress", text: "Running: echo progress-check" });
  // The tool really ran: its output came back to the model.
  expect(events[2]).toMatchObject({ type: "result", text: "[offline model] The Bash tool answered: progress-check", numTurns: 2 });
});
