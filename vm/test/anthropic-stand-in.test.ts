// The offline model answers the Messages API the way the CLI expects: SSE shape, directives, errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { planReply, readConversation } from "../../test/stand-ins/anthropic-conversation";
import { OFFLINE_ABILITIES } from "../../test/stand-ins/offline-intents";

let api: AnthropicStandIn;
beforeAll(async () => {
  api = await startAnthropicStandIn();
});
afterAll(() => api.close());

type Sse = { event: string; data: Record<string, unknown> };

async function post(body: unknown, headers: Record<string, string> = { "x-api-key": "sk-offline" }): Promise<Response> {
  return fetch(`${api.url}/v1/messages?beta=true`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function parseSse(text: string): Sse[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const event = /^event: (.+)$/m.exec(frame)?.[1] ?? "";
      const data = JSON.parse(/^data: (.+)$/m.exec(frame)?.[1] ?? "null") as Record<string, unknown>;
      return { event, data };
    });
}

const user = (text: string) => ({ role: "user", content: [{ type: "text", text }] });

describe("the streaming Messages API", () => {
  it("streams a text reply as message_start … message_stop, each event's type matching its name", async () => {
    const res = await post({ model: "claude-x", stream: true, max_tokens: 100, messages: [user("hello there")] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data.delta as { text: string }).text)
      .join("");
    expect(text).toBe(`[offline model] You said: «hello there». This conversation has 1 user message. ${OFFLINE_ABILITIES}`);
    expect((events[5]?.data.delta as { stop_reason: string }).stop_reason).toBe("end_turn");
    expect(api.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1/messages" });
  });

  it("streams a tool_use block with the directive's JSON input, resolving MCP-prefixed names", async () => {
    const tools = [{ name: "Bash" }, { name: "mcp__relay__schedule_create" }];
    const directive = '[[tool schedule_create {"prompt":"say hi ]]","every":"1h"}]]';
    const res = await post({ model: "m", stream: true, tools, messages: [user(`please ${directive}`)] });
    const events = parseSse(await res.text());
    expect(events[1]?.data.content_block).toMatchObject({ type: "tool_use", name: "mcp__relay__schedule_create", input: {} });
    const json = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ prompt: "say hi ]]", every: "1h" });
    expect((events.at(-2)?.data.delta as { stop_reason: string }).stop_reason).toBe("tool_use");
  });

  it("answers [[auth]] with 401 authentication_error and [[fail 503]] with x-should-retry: false", async () => {
    const auth = await post({ model: "m", stream: true, messages: [user("[[auth]]")] });
    expect(auth.status).toBe(401);
    expect(await auth.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    const fail = await post({ model: "m", stream: true, messages: [user("[[fail 503]]")] });
    expect(fail.status).toBe(503);
    expect(fail.headers.get("x-should-retry")).toBe("false");
    expect(((await fail.json()) as { error: { type: string } }).error.type).toBe("api_error");
  });

  it("refuses a request without credentials, and serves HEAD /api/hello, count_tokens and a 404", async () => {
    expect((await post({ model: "m", messages: [user("hi")] }, {})).status).toBe(401);
    expect((await fetch(`${api.url}/api/hello`, { method: "HEAD" })).status).toBe(200);
    const count = await fetch(`${api.url}/v1/messages/count_tokens`, { method: "POST", body: JSON.stringify({ messages: [user("abcd")] }) });
    expect(((await count.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
    expect((await fetch(`${api.url}/v1/files`)).status).toBe(404);
  });

  it("answers without streaming when stream is not true", async () => {
    const res = await post({ model: "m", messages: [user("plain")] });
    const body = (await res.json()) as { content: Array<{ text: string }>; stop_reason: string };
    expect(body.content[0]?.text).toContain("«plain»");
    expect(body.stop_reason).toBe("end_turn");
  });
});

describe("reading the conversation", () => {
  const midTurn = (text: string) => ({
    role: "system",
    content: [{ type: "text", text: `The user sent a new message while you were working:\n${text}\n\nThis is how Claude Code surfaces messages…` }],
  });
  const reminder = { type: "text", text: "<system-reminder>\nnot the user\n</system-reminder>" };
  const cases = [
    { name: "skips system reminders", messages: [{ role: "user", content: [reminder, { type: "text", text: "a" }] }], texts: ["a"] },
    { name: "reads string content", messages: [{ role: "user", content: "b" }], texts: ["b"] },
    { name: "keeps mid-turn messages in order", messages: [user("a"), { role: "assistant", content: "x" }, midTurn("b"), user("c")], texts: ["a", "b", "c"] },
    { name: "ignores other system text", messages: [{ role: "system", content: [{ type: "text", text: "# Environment" }] }], texts: [] },
  ];
  for (const c of cases) {
    it(c.name, () => expect(readConversation({ messages: c.messages }).userTexts).toEqual(c.texts));
  }

  it("answers a pending tool result by naming the tool and quoting its output", () => {
    const messages = [
      user('[[tool Bash {"command":"ls"}]]'),
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "file-a\nfile-b" }] },
    ];
    expect(planReply(readConversation({ messages }))).toEqual({ kind: "text", text: "[offline model] The Bash tool answered: file-a file-b", delayMs: 0 });
  });

  it("says a tool failed when its result is an error, so an agent's refusal is visible in the reply", () => {
    const messages = [
      user('[[tool mcp__relay__schedule_pause {"id":9}]]'),
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "mcp__relay__schedule_pause", input: { id: 9 } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", is_error: true, content: [{ type: "text", text: "No task #9." }] }] },
    ];
    expect(planReply(readConversation({ messages }))).toMatchObject({ text: "[offline model] The mcp__relay__schedule_pause tool failed: No task #9." });
  });

  describe("[[tool NAME]] resolves a short name to the MCP tool the CLI offers", () => {
    const directive = user('[[tool schedule_list {}]]');
    const deferredListing = { role: "user", content: [{ type: "text", text: "<system-reminder>\nDeferred tools:\nWebFetch\nmcp__relay__schedule_list\n</system-reminder>" }] };
    const cases = [
      { name: "offered in tools", body: { tools: [{ name: "mcp__relay__schedule_list" }], messages: [directive] }, tool: "mcp__relay__schedule_list" },
      { name: "deferred, listed in the prompt", body: { tools: [{ name: "ToolSearch" }], messages: [deferredListing, directive] }, tool: "mcp__relay__schedule_list" },
      { name: "listed in the system prompt", body: { system: [{ type: "text", text: "x mcp__relay__schedule_list y" }], messages: [directive] }, tool: "mcp__relay__schedule_list" },
      { name: "not offered at all: kept as given", body: { tools: [{ name: "Bash" }], messages: [directive] }, tool: "schedule_list" },
    ];
    for (const c of cases) it(c.name, () => expect(planReply(readConversation(c.body))).toMatchObject({ kind: "tool_use", name: c.tool }));
  });

  it("plans [[slow]] and [[long]] together, the long text exactly N characters", () => {
    const plan = planReply(readConversation({ messages: [user("[[slow 1200]] [[long 5000]]")] }));
    expect(plan.kind === "text" && plan.text.length).toBe(5000);
    expect(plan.kind === "text" && plan.text).toContain("```ts\n");
    expect(plan.kind === "text" && plan.delayMs).toBe(1200);
  });

  it("mentions earlier user messages, so a resumed session is visible in the reply", () => {
    const plan = planReply(readConversation({ messages: [user("remember apple"), { role: "assistant", content: "ok" }, user("what fruit?")] }));
    expect(plan).toMatchObject({ kind: "text", text: expect.stringContaining("2 user messages; earlier: «remember apple»") });
  });

  it("answers [[count]] with the number of user messages the conversation has seen", () => {
    const one = planReply(readConversation({ messages: [user("[[count]]")] }));
    expect(one).toMatchObject({ text: "[offline model] count: this conversation has seen 1 user message." });
    const two = planReply(readConversation({ messages: [user("a"), { role: "assistant", content: "ok" }, user("b [[count]]")] }));
    expect(two).toMatchObject({ text: "[offline model] count: this conversation has seen 2 user messages." });
  });
});
