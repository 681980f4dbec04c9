// The run tracker turns CLI signals into protocol events: which input a result answered, what
// was never read, and how a run ends.
import { describe, expect, it } from "vitest";
import type { CliSignal } from "../../src/core/cli-signals";
import { newRunState, stepRun, type EventBody, type RunInput, type RunState } from "../../src/core/run-tracker";

const result = (over: Partial<Extract<CliSignal, { type: "result" }>> = {}): RunInput => ({
  type: "result",
  text: "answer",
  isError: false,
  subtype: "success",
  costUsd: 0.01,
  numTurns: 1,
  durationMs: 100,
  sessionId: "s1",
  unknownSession: false,
  authFailure: null,
  modelFailure: null,
  ...over,
});

function run(inputs: RunInput[], offlineModel = false): { state: RunState; events: EventBody[]; stops: string[] } {
  let state = newRunState("/data/users/u/workspace", null, [], offlineModel);
  const events: EventBody[] = [];
  const stops: string[] = [];
  for (const input of inputs) {
    const step = stepRun(state, input);
    state = step.state;
    events.push(...step.events);
    if (step.stop) stops.push(step.stop);
    // As run.ts does: an ending run's terminal event goes out once its change is known (none here).
    if (state.phase === "ending") {
      const ended = stepRun(state, { type: "ended", change: null });
      state = ended.state;
      events.push(...ended.events);
    }
  }
  return { state, events, stops };
}

const written = (uuid: string, ...ids: string[]): RunInput => ({ type: "written", uuid, messageIds: ids });
const types = (events: EventBody[]) => events.map((e) => e.type);

describe("stepRun", () => {
  it("reports the session at init, then one result and done", () => {
    const { events, state } = run([written("u1", "m1", "m2"), { type: "init", sessionId: "s1", consumedUuids: ["u1"] }, result()]);
    expect(events).toEqual([
      { type: "session", sessionId: "s1" },
      { type: "result", messageIds: ["m1", "m2"], text: "answer", isError: false, subtype: "success", costUsd: 0.01, numTurns: 1, durationMs: 100, sessionId: "s1" },
      { type: "done" },
    ]);
    expect(state.phase).toBe("finished");
  });

  it("on the offline model, a result costs nothing whatever the CLI priced it at, and says why", () => {
    const { events } = run([written("u1", "m1"), { type: "init", sessionId: "s1", consumedUuids: ["u1"] }, result({ costUsd: 0.0247 })], true);
    expect(events.find((e) => e.type === "result")).toMatchObject({ costUsd: 0, offlineModel: true });
  });

  it("gives one result for input the CLI merged into one turn, and is done only when all are answered", () => {
    const { events } = run([
      written("u1", "m1"),
      { type: "init", sessionId: "s1", consumedUuids: ["u1"] },
      written("u2", "m2"),
      written("u3", "m3"),
      result({ text: "first" }),
      { type: "consumed", uuid: "u2" },
      { type: "consumed", uuid: "u3" },
      { type: "init", sessionId: "s1", consumedUuids: ["u2", "u3"] },
      result({ text: "second" }),
    ]);
    const results = events.filter((e) => e.type === "result");
    expect(results.map((r) => r.type === "result" && r.messageIds)).toEqual([["m1"], ["m2", "m3"]]);
    expect(types(events)).toEqual(["session", "result", "result", "done"]);
  });

  it("answers the oldest turn when the CLI never says what it consumed", () => {
    const { events } = run([written("u1", "m1"), written("u2", "m2"), result(), result()]);
    expect(events.filter((e) => e.type === "result").map((e) => e.type === "result" && e.messageIds)).toEqual([["m1"], ["m2"]]);
  });

  it("reports later turns the CLI never read as unconsumed before the terminal error, never the first turn", () => {
    const { events } = run([
      written("u1", "m1"),
      { type: "consumed", uuid: "u1" },
      written("u2", "m2"),
      written("u3", "m3"),
      { type: "exited", stopCode: "cancelled", message: "cancelled through /cancel" },
    ]);
    expect(events).toEqual([
      { type: "unconsumed", messageIds: ["m2", "m3"] },
      { type: "error", code: "cancelled", message: "cancelled through /cancel" },
    ]);
  });

  it("never reports the run's own request as unconsumed, even split after a leading slash command", () => {
    const { events } = run([
      { type: "written", uuid: "u1", messageIds: ["m1"], fromStart: true },
      { type: "written", uuid: "u2", messageIds: ["m2"], fromStart: true },
      { type: "consumed", uuid: "u1" },
      result(),
      written("u3", "m3"),
      { type: "exited", stopCode: null, message: "exit 1" },
    ]);
    expect(events.slice(-2)).toEqual([
      { type: "unconsumed", messageIds: ["m3"] },
      { type: "error", code: "cli_crashed", message: "exit 1" },
    ]);
  });

  const endings: Array<{ name: string; input: RunInput; code: string; reason?: string; stop: string | null }> = [
    { name: "an exit nobody asked for is a crash", input: { type: "exited", stopCode: null, message: "exit 1" }, code: "cli_crashed", stop: null },
    { name: "a stop for the time limit", input: { type: "exited", stopCode: "time_limit", message: "limit" }, code: "time_limit", stop: null },
    {
      name: "a CLI that could not run",
      input: { type: "exited", stopCode: "misconfigured", message: "root", reason: "root_without_sandbox" },
      code: "misconfigured",
      reason: "root_without_sandbox",
      stop: null,
    },
    { name: "a 401 retry is an auth failure", input: { type: "auth_failed", message: "401", reason: "credentials_refused" }, code: "auth_failed", reason: "credentials_refused", stop: "auth_failed" },
    { name: "a result with HTTP 401", input: result({ isError: true, authFailure: "credentials_refused" }), code: "auth_failed", reason: "credentials_refused", stop: "auth_failed" },
    { name: "a result without credentials", input: result({ isError: true, authFailure: "no_credentials" }), code: "auth_failed", reason: "no_credentials", stop: "auth_failed" },
    { name: "no conversation found", input: result({ isError: true, unknownSession: true, subtype: "error_during_execution" }), code: "unknown_session", stop: "unknown_session" },
    { name: "a 429 with no limit reported is a limit with no reset", input: result({ isError: true, modelFailure: "limit" }), code: "model_limit", stop: "model_limit" },
    { name: "a model that stayed overloaded", input: result({ isError: true, modelFailure: "unavailable" }), code: "model_unavailable", stop: "model_unavailable" },
  ];
  for (const ending of endings) {
    it(`ends with ${ending.code}: ${ending.name}`, () => {
      const { events, stops } = run([written("u1", "m1"), ending.input]);
      expect(events.at(-1)).toEqual({ type: "error", code: ending.code, message: expect.any(String), ...(ending.reason ? { reason: ending.reason } : {}) });
      expect(stops).toEqual(ending.stop ? [ending.stop] : []);
    });
  }

  it("a subscription's limit: the rejected rate_limit_event's reset and name go with the error that ends the turn, after the turns answered before", () => {
    const { events, stops } = run([
      written("u1", "m1"),
      { type: "consumed", uuid: "u1" },
      written("u2", "m2"),
      result(),
      { type: "consumed", uuid: "u2" },
      { type: "model_limit", resetsAt: 1_795_618_383_000, limit: "five_hour" },
      result({ isError: true, modelFailure: "limit", text: "You've hit your 5-hour limit · resets 2:53pm (UTC)" }),
    ]);
    expect(types(events)).toEqual(["session", "result", "error"]);
    expect(events[1]).toMatchObject({ type: "result", messageIds: ["m1"] });
    expect(events.at(-1)).toEqual({ type: "error", code: "model_limit", message: "You've hit your 5-hour limit · resets 2:53pm (UTC)", resetsAt: 1_795_618_383_000, limit: "five_hour" });
    expect(stops).toEqual(["model_limit"]);
  });

  it.each([
    {
      name: "an API key's refusal: only the proxy's report, from the 429's headers",
      reports: [{ resetsAt: 1_795_618_383_000, limit: "requests" }],
      carried: { resetsAt: 1_795_618_383_000, limit: "requests" },
    },
    {
      name: "a subscription's: the proxy's report, then the CLI's own, the same",
      reports: [
        { resetsAt: 1_795_618_383_000, limit: "five_hour" },
        { resetsAt: 1_795_618_383_000, limit: "five_hour" },
      ],
      carried: { resetsAt: 1_795_618_383_000, limit: "five_hour" },
    },
    {
      name: "a later report that knows nothing keeps what an earlier one knew",
      reports: [
        { resetsAt: 1_795_618_383_000, limit: "requests" },
        { resetsAt: null, limit: null },
      ],
      carried: { resetsAt: 1_795_618_383_000, limit: "requests" },
    },
    {
      name: "a later refusal's reset replaces an earlier one's",
      reports: [
        { resetsAt: 1_795_618_000_000, limit: null },
        { resetsAt: 1_795_618_383_000, limit: "tokens" },
      ],
      carried: { resetsAt: 1_795_618_383_000, limit: "tokens" },
    },
    { name: "no report with a reset: the error carries none", reports: [{ resetsAt: null, limit: null }], carried: {} },
  ])("the limit that ends the turn: $name", ({ reports, carried }) => {
    const { events, stops } = run([
      written("u1", "m1"),
      ...reports.map((r) => ({ type: "model_limit" as const, ...r })),
      result({ isError: true, modelFailure: "limit", text: "API Error: Request rejected (429)" }),
    ]);
    expect(events.at(-1)).toEqual({ type: "error", code: "model_limit", message: "API Error: Request rejected (429)", ...carried });
    expect(stops).toEqual(["model_limit"]);
  });

  it("a limit the CLI reported is not an error by itself: the turn it lifts in time for is answered", () => {
    const { events, stops } = run([written("u1", "m1"), { type: "model_limit", resetsAt: 1_000, limit: "five_hour" }, result()]);
    expect(types(events)).toEqual(["session", "result", "done"]);
    expect(stops).toEqual([]);
  });

  it("ignores everything after the run has ended", () => {
    const { events } = run([written("u1", "m1"), result(), result(), { type: "exited", stopCode: null, message: "x" }]);
    expect(types(events)).toEqual(["session", "result", "done"]);
  });

  it("turns tool use into one progress line and skips bookkeeping tools", () => {
    const { events } = run([
      written("u1", "m1"),
      { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "npm test" } },
      { type: "tool_use", id: "toolu_2", name: "TodoWrite", input: {} },
    ]);
    expect(events).toEqual([{ type: "progress", text: "Running: npm test" }]);
  });

  it("records every tool call, secrets redacted, and the terminal event carries them: done and error alike", () => {
    const secret = "sk-ant-very-secret-value";
    const calls: RunInput[] = [
      { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: `echo ${secret}` } },
      { type: "tool_use", id: null, name: "TodoWrite", input: { todos: [] } },
      { type: "tool_use", id: "toolu_3", name: "Write", input: { file_path: "/data/users/u/workspace/notes.txt", content: "x" } },
    ];
    const feed = (inputs: RunInput[]) => inputs.reduce<{ state: RunState; events: EventBody[] }>((acc, input) => {
      const step = stepRun(acc.state, input);
      return { state: step.state, events: [...acc.events, ...step.events] };
    }, { state: newRunState("/data/users/u/workspace", null, [secret]), events: [] });
    const want = { calls: [{ tool: "Bash", input: "echo [redacted]" }, { tool: "TodoWrite", input: '{"todos":[]}' }, { tool: "Write", input: "notes.txt" }], more: 0 };
    // The terminal event goes out once the run's change is known (`ended`).
    const ended: RunInput = { type: "ended", change: null };
    expect(feed([written("u1", "m1"), ...calls, result(), ended]).events.at(-1)).toEqual({ type: "done", toolCalls: want });
    expect(feed([written("u1", "m1"), ...calls, { type: "exited", stopCode: null, message: "crashed" }, ended]).events.at(-1)).toMatchObject({ type: "error", code: "cli_crashed", toolCalls: want });
    // A run that called no tool says nothing of them.
    expect(feed([written("u1", "m1"), result(), ended]).events.at(-1)).toEqual({ type: "done" });
  });

  it.each([
    { name: "refused after its tool_use line was read", order: ["use", "refused"] },
    { name: "refused before its tool_use line was read (the prompt and stdout race)", order: ["refused", "use"] },
  ])("marks a tool call the permission prompt refused as not approved: $name", ({ order }) => {
    const use: RunInput = { type: "tool_use", id: "toolu_9", name: "Bash", input: { command: "rm -rf build" } };
    const refused: RunInput = { type: "tool_not_approved", toolUseId: "toolu_9" };
    const inputs: RunInput[] = [written("u1", "m1"), { type: "tool_use", id: "toolu_8", name: "Read", input: { file_path: "/w/a.txt" } }, ...order.map((o) => (o === "use" ? use : refused)), result()];
    const state = inputs.reduce((s, input) => stepRun(s, input).state, newRunState("/w"));
    expect(state.toolCalls.calls).toEqual([{ tool: "Read", input: "a.txt" }, { tool: "Bash", input: "rm -rf build", notApproved: true }]);
  });

  it("leaves the kept calls as they are when a refused tool use is none of them", () => {
    const full = Array.from({ length: 3 }, (_, i): RunInput => ({ type: "tool_use", id: `toolu_${i}`, name: "Read", input: { file_path: `/w/${i}` } }));
    let state = [written("u1", "m1"), ...full].reduce((s, input) => stepRun(s, input).state, newRunState("/w"));
    const before = state.toolCalls;
    state = stepRun(state, { type: "tool_not_approved", toolUseId: "toolu_unknown" }).state;
    expect(state.toolCalls).toEqual(before);
  });
});
