// A run past its time limit is stopped and ends with `error: time_limit`.
import { expect, it } from "vitest";
import { userPathsOf } from "../src/users/user-paths";
import { processesIn, useHarness } from "./helpers/harness";

const h = useHarness();

it("stops a run that outlives the relay's timeLimitMs", async () => {
  const userId = "+15550000200";
  const reader = await h.startRun({ userId, text: "think hard [[slow 60000]]", options: { permissionMode: "acceptEdits", timeLimitMs: 2_000 } });
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "error"]);
  expect(events.at(-1)).toMatchObject({ code: "time_limit", message: "the run exceeded its time limit of 2000 ms" });
  expect(processesIn(userPathsOf(h.dataDir, userId).workspace)).toEqual([]);
});

it("applies the VM's own maximum when it is shorter than the relay's", async () => {
  await h.restart({ runTimeLimitMs: 1_500 });
  const events = await (await h.startRun({ userId: "+15550000201", text: "[[slow 60000]]", options: { permissionMode: "acceptEdits", timeLimitMs: 3_600_000 } })).end();
  expect(events.at(-1)).toMatchObject({ type: "error", code: "time_limit", message: "the run exceeded its time limit of 1500 ms" });
});
