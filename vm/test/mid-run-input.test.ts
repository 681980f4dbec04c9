// Mid-run input goes to the live CLI's stdin as stream-json user messages and reaches the model
// in order; each `result` names the messages it answered (the CLI merges queued input into one turn).
import { expect, it } from "vitest";
import { readConversation } from "../../test/stand-ins/anthropic-conversation";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();

it("answers input sent while the first turn runs, in order, and only then is done", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, messages: [{ id: "m1", text: "first [[slow 2500]]" }] });
  await reader.waitFor((e) => e.type === "session");
  for (const [id, text] of [["m2", "second"], ["m3", "third"]]) {
    const res = await h.call("POST", `/v1/runs/${runId}/input`, { messages: [{ id, text }] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
  }
  const events = await reader.end();
  expect(events.at(-1)).toEqual({ seq: events.length, type: "done" });
  const results = resultsOf(events);
  expect(results.flatMap((r) => r.messageIds)).toEqual(["m1", "m2", "m3"]);
  expect(results[0]?.messageIds).toEqual(["m1"]);

  // What the model saw last: every user text, in the order it was sent.
  const last = h.api.requests.filter((r) => r.path === "/v1/messages").at(-1);
  const texts = readConversation(last?.body as { messages: unknown }).userTexts.join("\n");
  expect(texts.indexOf("first")).toBeLessThan(texts.indexOf("second"));
  expect(texts.indexOf("second")).toBeLessThan(texts.indexOf("third"));

  const late = await h.call("POST", `/v1/runs/${runId}/input`, { messages: [{ id: "m4", text: "too late" }] });
  expect(late.status).toBe(409);
  expect(await late.json()).toMatchObject({ error: "run_finished" });
});

it("input sent again (the relay's record of the first was lost) is not a turn again: each message answered once", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, messages: [{ id: "a1", text: "first [[slow 2500]]" }] });
  await reader.waitFor((e) => e.type === "session");
  for (const messages of [[{ id: "a2", text: "second" }], [{ id: "a2", text: "second" }, { id: "a3", text: "third" }], [{ id: "a1", text: "first [[slow 2500]]" }]]) {
    const res = await h.call("POST", `/v1/runs/${runId}/input`, { messages });
    expect(res.status).toBe(202);
  }
  const results = resultsOf(await reader.end());
  expect(results.flatMap((r) => r.messageIds).sort()).toEqual(["a1", "a2", "a3"]);
  const last = h.api.requests.filter((r) => r.path === "/v1/messages").at(-1);
  const texts = readConversation(last?.body as { messages: unknown }).userTexts.join("\n");
  expect(texts.split("second").length - 1).toBe(1);
  expect(texts.split("first").length - 1).toBe(1);
});

it("answers 404 for input to a run it never had, and 400 for a malformed body", async () => {
  expect((await h.call("POST", "/v1/runs/no-such-run/input", { messages: [{ id: "x", text: "y" }] })).status).toBe(404);
  expect((await h.call("POST", "/v1/runs/no-such-run/input", { messages: [] })).status).toBe(400);
});
