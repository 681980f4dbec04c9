// A run's tool calls as the page lists them: the main field of known tools, compact JSON of
// others, the VM's secrets redacted before the cut, the count capped with the rest counted.
import { describe, expect, it } from "vitest";
import { noToolCalls, summarizeToolCall, TOOL_INPUT_MAX_CHARS, withToolCall } from "../../src/core/tool-calls";

const CWD = "/data/users/u/workspaces/main";
const SECRET = "sk-ant-very-secret-value";

describe("summarizeToolCall", () => {
  const cases: { name: string; tool: string; input: Record<string, unknown>; want: string }[] = [
    { name: "a command", tool: "Bash", input: { command: "npm test", description: "Run the tests" }, want: "npm test" },
    { name: "a command over lines, flattened", tool: "Bash", input: { command: "cd src &&\n  ls -la" }, want: "cd src && ls -la" },
    { name: "a path in the workspace, relative", tool: "Write", input: { file_path: `${CWD}/notes.txt`, content: "hello\n" }, want: "notes.txt" },
    { name: "a path outside, as given", tool: "Read", input: { file_path: "/etc/hosts" }, want: "/etc/hosts" },
    { name: "an edit: the path, not the strings", tool: "Edit", input: { file_path: "src/a.ts", old_string: "a", new_string: "b" }, want: "src/a.ts" },
    { name: "a search", tool: "Grep", input: { pattern: "useEffect", path: "src" }, want: "useEffect" },
    { name: "a fetch", tool: "WebFetch", input: { url: "https://example.com/x", prompt: "read" }, want: "https://example.com/x" },
    { name: "a tool it does not know: compact JSON", tool: "mcp__relay__schedule_create", input: { when: "daily 9:00", task: "report" }, want: '{"when":"daily 9:00","task":"report"}' },
    { name: "no input", tool: "ExitPlanMode", input: {}, want: "" },
    { name: "a known tool without its field: JSON", tool: "Bash", input: { timeout: 5 }, want: '{"timeout":5}' },
  ];
  for (const c of cases) it(c.name, () => expect(summarizeToolCall(c.tool, c.input, CWD, [SECRET])).toEqual({ tool: c.tool, input: c.want }));

  it("redacts the VM's secrets, in the input and in the JSON of other tools", () => {
    expect(summarizeToolCall("Bash", { command: `curl -H "x-api-key: ${SECRET}" https://api` }, CWD, [SECRET]).input).toBe('curl -H "x-api-key: [redacted]" https://api');
    expect(summarizeToolCall("Other", { key: SECRET }, CWD, [SECRET]).input).toBe('{"key":"[redacted]"}');
  });

  it("cuts to 200 characters after redacting: a secret across the cut leaves nothing of itself", () => {
    const command = `${"x".repeat(TOOL_INPUT_MAX_CHARS - 5)}${SECRET}`;
    const { input } = summarizeToolCall("Bash", { command }, CWD, [SECRET]);
    expect(input).toHaveLength(TOOL_INPUT_MAX_CHARS);
    expect(input.endsWith("…")).toBe(true);
    expect(input).not.toContain(SECRET.slice(0, 8));
  });
});

describe("withToolCall", () => {
  it("keeps the first calls up to the cap and counts the rest", () => {
    let list = noToolCalls();
    for (let i = 0; i < 7; i++) list = withToolCall(list, { tool: "Bash", input: `step ${i}` }, 5);
    expect(list.calls.map((c) => c.input)).toEqual(["step 0", "step 1", "step 2", "step 3", "step 4"]);
    expect(list.more).toBe(2);
  });
});
