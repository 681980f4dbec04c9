// The terminal events' fields for the private page fail closed one by one: a `toolCalls` or a
// `diffHtml` that fails its schema is dropped, and the event (the run's end, its change) is kept.
import { describe, expect, it } from "vitest";
import { MAX_RUN_TOOL_CALLS, VmStreamLineSchema } from "../../src/protocol/vm/runs";

const change = { files: [{ path: "a.ts", status: "modified", insertions: 1, deletions: 1 }], diff: "diff --git a/a.ts b/a.ts\n", truncated: false };
const calls = (n: number) => Array.from({ length: n }, (_, i) => ({ tool: "Bash", input: `step ${i}` }));
const parse = (event: Record<string, unknown>) => VmStreamLineSchema.parse({ seq: 3, ...event });

describe("done and error with tool calls and the diff's HTML", () => {
  it.each([
    ["kept when valid", { calls: calls(2), more: 5 }, { calls: calls(2), more: 5 }],
    ["dropped past the cap", { calls: calls(MAX_RUN_TOOL_CALLS + 1), more: 0 }, undefined],
    ["dropped with an input too long", { calls: [{ tool: "Bash", input: "x".repeat(301) }], more: 0 }, undefined],
    ["dropped when not a list", "Bash ls", undefined],
  ])("toolCalls %s", (_name, toolCalls, want) => {
    for (const type of ["done", "error"] as const) {
      const event = parse({ type, toolCalls, ...(type === "error" ? { code: "cli_crashed", message: "x" } : {}) });
      expect(event.type).toBe(type);
      expect((event as { toolCalls?: unknown }).toolCalls).toEqual(want);
    }
  });

  it.each([
    ["diff2html's markup is kept", '<div class="d2h-wrapper"><span class="d2h-code-line-ctn">&lt;script&gt;</span></div>', true],
    ["a script is dropped", '<div class="d2h-wrapper"><script>alert(1)</script></div>', false],
    ["a handler is dropped", '<div class="d2h-wrapper" onmouseover="alert(1)"></div>', false],
    ["a style is dropped", '<td style="background:red">x</td>', false],
  ])("%s, the change kept either way", (_name, diffHtml, kept) => {
    const event = parse({ type: "done", change: { ...change, diffHtml } });
    if (event.type !== "done") throw new Error(event.type);
    expect(event.change?.files).toEqual(change.files);
    expect(event.change?.diffHtml).toEqual(kept ? diffHtml : undefined);
  });
});
