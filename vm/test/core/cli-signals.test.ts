// CLI stream-json lines (shapes observed from Claude Code 2.1.330) become the run's signals.
import { describe, expect, it } from "vitest";
import { parseCliLine } from "../../src/core/cli-signals";

const line = (value: unknown) => JSON.stringify(value);
const resultLine = (over: Record<string, unknown>) =>
  line({ type: "result", subtype: "success", is_error: false, session_id: "s1", result: "hi", total_cost_usd: 0.5, num_turns: 2, duration_ms: 188.4, ...over });

describe("parseCliLine", () => {
  const cases: Array<{ name: string; raw: string; signals: unknown[] }> = [
    { name: "not JSON", raw: "Loading…", signals: [] },
    { name: "init with the consumed uuids", raw: line({ type: "system", subtype: "init", session_id: "s1", user_message_uuids: ["u1"] }), signals: [{ type: "init", sessionId: "s1", consumedUuids: ["u1"] }] },
    { name: "init without a session id fails closed", raw: line({ type: "system", subtype: "init" }), signals: [] },
    { name: "a 401 retry", raw: line({ type: "system", subtype: "api_retry", error_status: 401, error: "authentication_failed" }), signals: [{ type: "auth_failed", message: "Anthropic refused the CLI's credentials (HTTP 401)", reason: "credentials_refused" }] },
    { name: "a 529 retry is only a retry", raw: line({ type: "system", subtype: "api_retry", error_status: 529 }), signals: [] },
    { name: "a replayed user message", raw: line({ type: "user", uuid: "u2", isReplay: true, message: { role: "user", content: "x" } }), signals: [{ type: "consumed", uuid: "u2" }] },
    { name: "a tool result is not a replay", raw: line({ type: "user", uuid: "t", message: { role: "user", content: [] } }), signals: [] },
    { name: "command started", raw: line({ type: "command_lifecycle", command_uuid: "u3", state: "started" }), signals: [{ type: "consumed", uuid: "u3" }] },
    { name: "command queued", raw: line({ type: "command_lifecycle", command_uuid: "u3", state: "queued" }), signals: [] },
    {
      name: "assistant tool uses",
      raw: line({ type: "assistant", message: { content: [{ type: "text", text: "x" }, { type: "tool_use", id: "toolu_01", name: "Bash", input: { command: "ls" } }, { type: "tool_use", name: "Read", input: {} }] } }),
      signals: [{ type: "tool_use", id: "toolu_01", name: "Bash", input: { command: "ls" } }, { type: "tool_use", id: null, name: "Read", input: {} }],
    },
    {
      name: "the CLI without credentials (its made-up message, before any API call)",
      raw: line({ type: "assistant", error: "authentication_failed", is_api_error_message: true, message: { model: "<synthetic>", content: [{ type: "text", text: "Not logged in · Please run /login" }] } }),
      signals: [{ type: "auth_failed", message: expect.stringContaining("the CLI has no Anthropic credentials"), reason: "no_credentials" }],
    },
    {
      name: "the CLI's message for a 401 it does not retry",
      raw: line({ type: "assistant", error: "authentication_failed", api_error_status: 401, message: { content: [{ type: "text", text: "Invalid API key · Fix external API key" }] } }),
      signals: [{ type: "auth_failed", message: "Anthropic refused the CLI's credentials (HTTP 401)", reason: "credentials_refused" }],
    },
    { name: "an API error that is not about credentials", raw: line({ type: "assistant", error: "rate_limit", message: { content: [{ type: "text", text: "API Error" }] } }), signals: [] },
    { name: "a result without its required fields", raw: line({ type: "result", subtype: "success" }), signals: [] },
    // Claude Code 2.1.330 with CLAUDE_CODE_OAUTH_TOKEN, on a 429 with anthropic-ratelimit-unified-status: rejected.
    {
      name: "a subscription's limit, rejected",
      raw: line({ type: "rate_limit_event", rate_limit_info: { status: "rejected", resetsAt: 1795618383, rateLimitType: "five_hour", isUsingOverage: false }, uuid: "x", session_id: "s1" }),
      signals: [{ type: "model_limit", resetsAt: 1_795_618_383_000, limit: "five_hour" }],
    },
    { name: "a limit that still allows is no signal", raw: line({ type: "rate_limit_event", rate_limit_info: { status: "allowed_warning", resetsAt: 1795618383 } }), signals: [] },
    {
      name: "a rejected limit without a reset, and a limit name the protocol cannot carry",
      raw: line({ type: "rate_limit_event", rate_limit_info: { status: "rejected", rateLimitType: "Five Hours!" } }),
      signals: [{ type: "model_limit", resetsAt: null, limit: null }],
    },
  ];
  for (const c of cases) it(c.name, () => expect(parseCliLine(c.raw)).toEqual(c.signals));

  it("takes the turn's cost from model_usage_since_last_result, not the session total", () => {
    const [signal] = parseCliLine(resultLine({ model_usage_since_last_result: { a: { costUSD: 0.1 }, b: { costUSD: 0.02 } } }));
    expect(signal).toMatchObject({ type: "result", costUsd: 0.12, costByModel: { a: 0.1, b: 0.02 }, numTurns: 2, durationMs: 188, text: "hi" });
  });

  it("falls back to total_cost_usd when the CLI gives no per-turn usage", () => {
    expect(parseCliLine(resultLine({}))[0]).toMatchObject({ costUsd: 0.5 });
  });

  const failures: Array<{ name: string; over: Record<string, unknown>; modelFailure: string | null }> = [
    { name: "a usage limit (the CLI's result after its rate_limit_event)", over: { is_error: true, api_error_status: 429, terminal_reason: "api_error", result: "You've hit your 5-hour limit · resets 2:53pm (UTC)" }, modelFailure: "limit" },
    { name: "a 429 with a long retry-after (API key)", over: { is_error: true, api_error_status: 429, result: "API Error: Request rejected (429) · per-minute rate limit" }, modelFailure: "limit" },
    { name: "overloaded through ten retries", over: { is_error: true, api_error_status: 529, terminal_reason: "api_error", result: "API Error: 529 Overloaded" }, modelFailure: "unavailable" },
    { name: "a 500 the CLI was told not to retry", over: { is_error: true, api_error_status: 500, result: "API Error: 500" }, modelFailure: "unavailable" },
    { name: "no connection to the model", over: { is_error: true, api_error_status: null, terminal_reason: "api_error", result: "API Error: Connection refused" }, modelFailure: "unavailable" },
    { name: "a model the account cannot use (404, the CLI's words for --model)", over: { is_error: true, api_error_status: 404, terminal_reason: "api_error", result: "There's an issue with the selected model (claude-x). It may not exist or you may not have access to it. Run --model to pick a different model." }, modelFailure: "not_found" },
    { name: "a 400 is the agent's error to tell, not to wait out", over: { is_error: true, api_error_status: 400, terminal_reason: "api_error", result: "API Error: 400 prompt is too long" }, modelFailure: null },
    { name: "an error of the run, not the API", over: { is_error: true, subtype: "error_max_turns", result: "max turns" }, modelFailure: null },
    { name: "an answer", over: {}, modelFailure: null },
  ];
  for (const f of failures) it(`model failure: ${f.name}`, () => expect(parseCliLine(resultLine(f.over))[0]).toMatchObject({ type: "result", modelFailure: f.modelFailure }));

  it("recognises an unknown session and an authentication failure", () => {
    const unknown = resultLine({ subtype: "error_during_execution", is_error: true, result: undefined, errors: ["No conversation found with session ID: abc"] });
    expect(parseCliLine(unknown)[0]).toMatchObject({ unknownSession: true, authFailure: null, text: "No conversation found with session ID: abc" });
    const auth = resultLine({ is_error: true, api_error_status: 401, result: "Invalid API key" });
    expect(parseCliLine(auth)[0]).toMatchObject({ authFailure: "credentials_refused", unknownSession: false });
    const none = resultLine({ is_error: true, api_error_status: null, result: "Not logged in · Please run /login" });
    expect(parseCliLine(none)[0]).toMatchObject({ authFailure: "no_credentials" });
    expect(parseCliLine(resultLine({ result: "Not logged in is what you said" }))[0]).toMatchObject({ authFailure: null });
  });
});
