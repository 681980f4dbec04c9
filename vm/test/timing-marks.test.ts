// A run's timing marks (VM_TIMING=log prints them; the bench's warm-path section reads them): for
// a warm follow-up the request is received, its turn written to the warm CLI's stdin (no spawn),
// and the CLI's model request seen at the credential proxy, in that order, before the model has it;
// its change is recorded after its result line, and its result event waits for that.
import { describe, expect, it } from "vitest";
import { loadVmConfig } from "../src/config";
import type { TimingMark } from "../src/runs/manager-deps";
import { resultsOf, useHarness } from "./helpers/harness";

describe("VM_TIMING", () => {
  const env = { VM_TOKEN: "t", CLAUDE_BIN: "/bin/true" };
  it.each([
    [undefined, "off"],
    ["log", "log"],
    ["off", "off"],
  ])("%j is %s", (value, expected) => {
    expect(loadVmConfig({ ...env, ...(value === undefined ? {} : { VM_TIMING: value }) }).timing).toBe(expected);
  });
  it("refuses anything else", () => expect(() => loadVmConfig({ ...env, VM_TIMING: "yes" })).toThrow(/timing/));
});

const marks: Array<{ runId: string; mark: TimingMark | "delivered"; at: number; event?: string }> = [];
const h = useHarness({}, { onTiming: (runId, mark, at, event) => void marks.push({ runId, mark, at, ...(event ? { event: event.type } : {}) }) });

it("marks a warm follow-up: received, written, model request at the proxy, in order and once each", async () => {
  const userId = "+15550000412";
  const first = await (await h.startRun({ userId, text: "cold turn" })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(sessionId).not.toBeNull();
  const runId = "run-warm-timing-0001";
  const fromModel = h.api.requests.length;
  const epochAtStart = Date.now() - performance.now();
  const warm = await (await h.startRun({ runId, userId, sessionId, text: "warm turn" })).end();
  expect(warm.at(-1)).toMatchObject({ type: "done" });
  const ofRun = marks.filter((m) => m.runId === runId);
  const change = ["change_started", "change_recorded"];
  const mine = ofRun.filter((m) => m.mark !== "delivered" && m.mark !== "checkpoint_started" && !change.includes(m.mark));
  expect(mine.map((m) => m.mark)).toEqual(["received", "written", "model_request", "result_line"]);
  const at = Object.fromEntries(mine.map((m) => [m.mark, m.at]));
  expect(at.received!).toBeLessThanOrEqual(at.written!);
  expect(at.written!).toBeLessThanOrEqual(at.model_request!);
  // The proxy saw the request before the model had it (the model stamps Date.now() once the body is read).
  const modelAt = h.api.requests.slice(fromModel).find((r) => r.path === "/v1/messages")!.at;
  expect(epochAtStart + at.model_request!).toBeLessThanOrEqual(modelAt + 2);
  // The checkpoint after the run: once each, after the result line, and before the result event went out.
  const recorded = ofRun.filter((m) => change.includes(m.mark));
  expect(recorded.map((m) => m.mark)).toEqual(change);
  expect(recorded[0]!.at).toBeGreaterThanOrEqual(at.result_line!);
  expect(recorded[1]!.at).toBeGreaterThanOrEqual(recorded[0]!.at);
  const result = ofRun.filter((m) => m.mark === "delivered" && m.event === "result");
  expect(result).toHaveLength(1);
  expect(result[0]!.at).toBeGreaterThanOrEqual(recorded[1]!.at);
});
