// Two conversations of one user run at once, each in a CLI process of its own (its workspace, its
// session), and a Machine whose memory holds one agent process refuses the second by name.
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { processesIn, resultsOf, startHarness, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const userId = "+15550001011";

/** Waits until the model has been asked for `text`: its run is live, its process started. */
const asked = (harness: { api: { requests: { path: string; body: unknown }[] } }, text: string) =>
  expect.poll(() => harness.api.requests.some((r) => r.path === "/v1/messages" && JSON.stringify(r.body).includes(text)), { timeout: 30_000 }).toBe(true);

it("a user's second conversation runs while the first is still going, each in its own process and directory", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  const slow = await h.startRun({ userId, workspace: "conv-a", text: "long work [[slow 20000]]" });
  await asked(h, "long work");
  const quick = await h.startRun({ userId, workspace: "conv-b", text: "quick question" });
  const quickEvents = await quick.end();
  // Answered while the first still works: its terminal event is not out yet.
  expect(slow.events().some((e) => e.type === "done" || e.type === "error")).toBe(false);
  expect(quickEvents.map((e) => e.type)).not.toContain("error");
  expect(processesIn(workspaceDirOf(paths, "conv-a"))).toHaveLength(1);
  expect(processesIn(workspaceDirOf(paths, "conv-b"))).toHaveLength(1);
  const slowEvents = await slow.end();
  expect(resultsOf(slowEvents)[0]?.sessionId).not.toBe(resultsOf(quickEvents)[0]?.sessionId);
  expect(h.spawns).toHaveLength(2);
});

it("a run on a session another live run writes is refused busy, never a second process on it", async () => {
  const zero = resultsOf(await (await h.startRun({ userId, workspace: "conv-c", text: "zero" })).end())[0];
  const sessionId = zero?.sessionId ?? null;
  const first = await h.startRun({ userId, workspace: "conv-c", sessionId, text: "one [[slow 20000]]" });
  await asked(h, "one [[slow");
  const second = await h.startRun({ userId, workspace: "conv-c", sessionId, text: "two" });
  const events = await second.end();
  expect(events.at(-1)).toMatchObject({ type: "error", code: "busy" });
  await first.end();
});

it("a Machine whose memory holds one agent process refuses a second while the first runs, with a named reason", async () => {
  const small = await startHarness({}, { memory: () => ({ totalMb: 1024, freeMb: 700 }) }, { inProcess: "the Machine's memory is a function the server calls (nothing here touches a user's folder as root)" });
  try {
    const first = await small.startRun({ userId, workspace: "conv-a", text: "long work [[slow 20000]]" });
    await asked(small, "long work");
    const second = await small.startRun({ userId, workspace: "conv-b", text: "another" });
    const events = await second.end();
    expect(events.at(-1)).toMatchObject({ type: "error", code: "busy", message: expect.stringContaining("memory: the Machine's 1024 MB hold 1 agent process") });
    expect(small.spawns).toHaveLength(1);
    expect(resultsOf(await first.end())).toHaveLength(1);
  } finally {
    await small.close();
  }
});
