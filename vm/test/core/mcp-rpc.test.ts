// The relay tools' MCP message handling, line in → step out: the lifecycle, version negotiation,
// tool listing and calls, and JSON-RPC's error codes for what a client might send wrong.
import { describe, expect, it } from "vitest";
import { RELAY_TOOLS } from "../../../src/protocol/relay-tools";
import { MCP_PROTOCOL_VERSIONS, negotiateVersion, RPC_ERRORS, stepMcp, toolResultMessage, type McpStep } from "../../src/core/mcp-rpc";

const line = (message: unknown) => JSON.stringify(message);
const request = (id: string | number, method: string, params?: unknown) => line({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
const error = (id: string | number | null, code: number): Partial<McpStep> => ({ kind: "reply", message: { jsonrpc: "2.0", id, error: { code, message: expect.any(String) } } });

describe("stepMcp", () => {
  const cases: Array<[string, string, unknown]> = [
    ["ping answers an empty result", request(7, "ping"), { kind: "reply", message: { jsonrpc: "2.0", id: 7, result: {} } }],
    ["notifications/initialized needs no answer", line({ jsonrpc: "2.0", method: "notifications/initialized" }), { kind: "none" }],
    ["notifications/cancelled needs no answer", line({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3 } }), { kind: "none" }],
    ["a response from the client is ignored", line({ jsonrpc: "2.0", id: 1, result: {} }), { kind: "none" }],
    ["server/discover (a newer client's probe) is method-not-found", request("server-discover-probe-1", "server/discover", { _meta: {} }), error("server-discover-probe-1", RPC_ERRORS.methodNotFound)],
    ["an unknown method", request(2, "resources/list"), error(2, RPC_ERRORS.methodNotFound)],
    ["not JSON", "{nope", error(null, RPC_ERRORS.parse)],
    ["a batch", line([{ jsonrpc: "2.0", id: 1, method: "ping" }]), error(null, RPC_ERRORS.invalidRequest)],
    ["not JSON-RPC 2.0, id kept", line({ jsonrpc: "1.0", id: 4, method: "ping" }), error(4, RPC_ERRORS.invalidRequest)],
    ["a non-integer id", line({ jsonrpc: "2.0", id: 1.5, method: "ping" }), error(null, RPC_ERRORS.invalidRequest)],
    ["initialize without a version", request(0, "initialize", { capabilities: {} }), error(0, RPC_ERRORS.invalidParams)],
    [
      "tools/call forwards a relay tool with its arguments",
      request(5, "tools/call", { name: "schedule_create", arguments: { kind: "every", every: "2h", prompt: "p" }, _meta: { progressToken: 5 } }),
      { kind: "call", id: 5, name: "schedule_create", args: { kind: "every", every: "2h", prompt: "p" } },
    ],
    ["tools/call without arguments passes an empty object", request("a", "tools/call", { name: "schedule_list" }), { kind: "call", id: "a", name: "schedule_list", args: {} }],
    ["tools/call of an unknown tool is invalid params", request(6, "tools/call", { name: "rm_rf", arguments: {} }), error(6, RPC_ERRORS.invalidParams)],
    ["tools/call with non-object arguments", request(8, "tools/call", { name: "schedule_list", arguments: [1] }), error(8, RPC_ERRORS.invalidParams)],
    ["tools/call without a name", request(9, "tools/call", {}), error(9, RPC_ERRORS.invalidParams)],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(stepMcp(input, RELAY_TOOLS)).toEqual(expected));

  it("initialize answers the tools capability, server info and the negotiated version", () => {
    const step = stepMcp(request(0, "initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "c", version: "1" } }), RELAY_TOOLS);
    expect(step).toEqual({
      kind: "reply",
      message: {
        jsonrpc: "2.0",
        id: 0,
        result: { protocolVersion: "2025-06-18", capabilities: { tools: { listChanged: false } }, serverInfo: { name: "relay", version: "1.0.0" }, instructions: expect.stringContaining("relay") },
      },
    });
  });

  it("tools/list lists every relay tool from the shared definitions, schemas unchanged", () => {
    const step = stepMcp(request(1, "tools/list"), RELAY_TOOLS);
    if (step.kind !== "reply" || !("result" in step.message)) throw new Error(JSON.stringify(step));
    expect(step.message.result.tools).toEqual(RELAY_TOOLS.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })));
  });
});

describe("negotiateVersion", () => {
  const cases: Array<[string, string]> = [
    ["2025-11-25", "2025-11-25"],
    ["2025-03-26", "2025-03-26"],
    ["2024-11-05", "2024-11-05"],
    ["2026-07-28", MCP_PROTOCOL_VERSIONS[0]],
    ["1999-01-01", MCP_PROTOCOL_VERSIONS[0]],
  ];
  for (const [requested, answered] of cases) it(`${requested} → ${answered}`, () => expect(negotiateVersion(requested)).toBe(answered));
});

describe("toolResultMessage", () => {
  const cases: Array<[{ ok: boolean; text: string }, boolean]> = [
    [{ ok: true, text: "Task #1 scheduled" }, false],
    [{ ok: false, text: "Unknown time zone Mars/Base" }, true],
  ];
  for (const [outcome, isError] of cases) {
    it(`ok: ${outcome.ok} → isError: ${isError}`, () => {
      expect(toolResultMessage(3, outcome)).toEqual({ jsonrpc: "2.0", id: 3, result: { content: [{ type: "text", text: outcome.text }], isError } });
    });
  }
});
