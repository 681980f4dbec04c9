// `POST /v1/runs` is idempotent by runId: a repeat attaches to the same run and starts nothing;
// the same runId from another user is refused; a second live run for one user is `busy`.
import { expect, it } from "vitest";
import { uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();

it("attaches repeats to the one run and refuses the runId for another user", async () => {
  const runId = uniqueId("run");
  const request = { runId, userId: "+15550000800", text: "once [[slow 1500]]" };
  const [a, b] = await Promise.all([h.startRun(request), h.startRun(request)]);
  const [eventsA, eventsB] = await Promise.all([a.end(), b.end()]);
  expect(eventsA.map((e) => e.type)).toEqual(["session", "result", "done"]);
  expect(eventsB).toEqual(eventsA);
  expect(h.spawns).toEqual([runId]);

  const again = await (await h.startRun(request)).end();
  expect(again).toEqual(eventsA);
  expect(h.spawns).toEqual([runId]);

  const other = await h.call("POST", "/v1/runs", { runId, userId: "+15550000801", sessionId: null, messages: [{ id: "m", text: "x" }] });
  expect(other.status).toBe(409);
  expect(await other.json()).toEqual({ error: "user_mismatch", message: "this runId belongs to another user" });
});

it("ends a second concurrent run of the same user on the same session with busy (another conversation's runs beside it)", async () => {
  const userId = "+15550000802";
  const zero = (await (await h.startRun({ userId, text: "zero" })).end()).find((e) => e.type === "result");
  const sessionId = zero?.type === "result" ? zero.sessionId : null;
  const first = await h.startRun({ userId, sessionId, text: "long [[slow 2000]]" });
  await first.waitFor((e) => e.type === "session");
  const second = await (await h.startRun({ userId, sessionId, text: "me too" })).end();
  expect(second).toEqual([{ seq: 1, type: "error", code: "busy", message: expect.stringContaining("a live run of this user is on that session") }]);
  expect((await first.end()).at(-1)).toMatchObject({ type: "done" });
});
