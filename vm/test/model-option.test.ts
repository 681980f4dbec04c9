// The conversation's model and effort reach the CLI at every start: `options.model` as `--model`
// (the CLI's alias resolved to its model id in the request) and `options.effort` as `--effort`
// (the request's `output_config.effort`); a run without them gets the CLI's defaults.
import { expect, it } from "vitest";
import { uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });

/** The model and effort of the Messages API requests made since `from`. */
function asked(from: number) {
  return h.api.requests.slice(from).filter((r) => r.path === "/v1/messages").map((r) => {
    const body = r.body as { model?: string; output_config?: { effort?: string } };
    return { model: body.model, effort: body.output_config?.effort };
  });
}

it("names the conversation's model and effort in the run's request, and the defaults without them", async () => {
  const userId = "+15550008201";
  let from = h.api.requests.length;
  await (await h.startRun({ runId: uniqueId("run"), userId, text: "hello", options: { model: "sonnet", effort: "low" } })).end();
  expect(asked(from)).toEqual([{ model: expect.stringMatching(/^claude-sonnet-/), effort: "low" }]);
  // Another run of the same user without them: a process of its own, the CLI's defaults.
  from = h.api.requests.length;
  await (await h.startRun({ runId: uniqueId("run"), userId, text: "hello again" })).end();
  expect(asked(from)).toEqual([{ model: expect.not.stringMatching(/sonnet/), effort: expect.not.stringMatching(/^low$/) }]);
});

it("refuses a model name that could be read as an option", async () => {
  const response = await h.call("POST", "/v1/runs", { runId: uniqueId("run"), userId: "+15550008202", sessionId: null, messages: [{ id: "m1", text: "hi" }], options: { model: "--dangerously-skip-permissions" } });
  expect(response.status).toBe(400);
});
