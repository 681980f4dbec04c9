// A session the user does not have ends the run with `unknown_session`, whether the CLI says
// so ("No conversation found") or the id could not be a Claude Code session at all.
import { expect, it } from "vitest";
import { type Harness, useHarness } from "./helpers/harness";

const h = useHarness();

it("reports unknown_session when the CLI finds no such conversation", async () => {
  const events = await (await h.startRun({ sessionId: "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", text: "hi" })).end();
  expect(events).toEqual([
    { seq: 1, type: "error", code: "unknown_session", message: "No conversation found with session ID: 6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f" },
  ]);
  expect(h.spawns).toHaveLength(1);
});

it("refuses a session id that is not a UUID without starting the CLI (it would match a session title)", async () => {
  const before = h.spawns.length;
  const events = await (await h.startRun({ sessionId: "my favourite session", text: "hi" })).end();
  expect(events).toEqual([{ seq: 1, type: "error", code: "unknown_session", message: "not a Claude Code session id" }]);
  expect(h.spawns).toHaveLength(before);
});
