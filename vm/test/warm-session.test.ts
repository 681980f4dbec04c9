// Warm sessions: after `done` the session's CLI stays alive, and the next run of that session
// goes straight into it (no new process); it ends when WARM_SESSION_MS passes.
import { expect, it } from "vitest";
import { processesIn, resultsOf, useHarness } from "./helpers/harness";
import { userPathsOf } from "../src/users/user-paths";

const h = useHarness({ warmSessionMs: 4_000 });

it("writes the next run of the same session into the warm process, then lets it go", async () => {
  const userId = "+15550000077";
  const workspace = userPathsOf(h.dataDir, userId).workspace;
  const first = await (await h.startRun({ userId, text: "one" })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(processesIn(workspace)).toHaveLength(1);

  const second = await (await h.startRun({ userId, sessionId, text: "two" })).end();
  expect(second.map((e) => e.type)).toEqual(["session", "result", "done"]);
  expect(resultsOf(second)[0]?.text).toContain("2 user messages; earlier: «one»");
  expect(h.spawns).toHaveLength(1);

  // A different session (here: a fresh one) never reuses it: the warm process is replaced.
  await (await h.startRun({ userId, sessionId: null, text: "fresh" })).end();
  expect(h.spawns).toHaveLength(2);

  await expect.poll(() => processesIn(workspace), { timeout: 15_000, interval: 250 }).toHaveLength(0);
});
