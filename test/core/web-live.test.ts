// What a run's stream shows on the live page, and what an open link may do, table-tested.
import { describe, expect, it } from "vitest";
import { actUntilOf, approvalClosedText, helloOf, LIVE_ACT_MS, liveBodiesOf, liveSocketValid, liveTags, liveTagsOf, sinceOf, WATCH_ONLY } from "../../src/web/web-live";
import type { VmRunEvent } from "../../src/protocol/vm/runs";

const NOW = 1_750_000_000_000;
const file = (path: string, insertions: number, deletions: number) => ({ path, status: "modified" as const, insertions, deletions });
const result = (text: string): VmRunEvent => ({ seq: 3, type: "result", messageIds: ["m1"], text, isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 1, sessionId: "s" });

describe("liveBodiesOf", () => {
  it.each<[string, VmRunEvent, unknown[]]>([
    ["a progress line is a tool call as it names it", { seq: 2, type: "progress", text: "Running: npm test" }, [{ kind: "tool", text: "Running: npm test" }]],
    ["the agent's text", result("Done: the test passes."), [{ kind: "text", text: "Done: the test passes." }]],
    ["an empty result shows nothing", result("  "), []],
    ["the stream's bookkeeping shows nothing", { seq: 1, type: "session", sessionId: "s" }, []],
    ["the end", { seq: 4, type: "done", toolCalls: undefined }, [{ kind: "end", text: "The run is over: its reply went to the chat." }]],
    [
      "the end with its change line first",
      { seq: 4, type: "done", toolCalls: undefined, change: { files: [file("a.ts", 10, 2), file("b.ts", 4, 1)], diff: "", truncated: false } },
      [{ kind: "change", text: "2 files changed, +14 −3" }, { kind: "end", text: "The run is over: its reply went to the chat." }],
    ],
    ["a failure, named", { seq: 4, type: "error", code: "time_limit", message: "x", toolCalls: undefined }, [{ kind: "failed", text: "The run ended without finishing (time limit)." }]],
    ["a stop", { seq: 4, type: "error", code: "cancelled", message: "x", toolCalls: undefined }, [{ kind: "failed", text: "The run was stopped." }]],
  ])("%s", (_name, event, bodies) => {
    expect(liveBodiesOf(event)).toEqual(bodies);
  });

  it("cuts a long reply and says how much is left out", () => {
    const [body] = liveBodiesOf(result("x".repeat(4_010)));
    expect(body?.text).toMatch(/^x{4000}… \(10 more characters\)$/);
  });
});

describe("what a link may do", () => {
  it.each<[string, number | null, number, number]>([
    ["sent now: an hour", NOW, NOW + 24 * 3_600_000, NOW + LIVE_ACT_MS],
    ["a link that ends sooner: until it ends", NOW, NOW + 60_000, NOW + 60_000],
    ["sent before the time was kept: never", null, NOW + 3_600_000, 0],
  ])("%s", (_name, issuedAt, expiresAt, until) => {
    expect(actUntilOf(issuedAt, expiresAt)).toBe(until);
  });

  it("says watch only, and how to get a fresh link, once the hour is over", () => {
    const a = { conversationId: 1, epoch: 0, expiresAt: NOW + 3_600_000, actUntil: NOW };
    expect(helloOf(a, NOW - 1)).toEqual({ type: "hello", canAct: true, actUntil: NOW, note: null });
    expect(helloOf(a, NOW)).toEqual({ type: "hello", canAct: false, actUntil: NOW, note: WATCH_ONLY });
    expect(WATCH_ONLY).toContain("/web");
  });

  it.each<[string, number, number, boolean]>([
    ["the link's epoch, before its end", 0, NOW, true],
    ["revoked since", 1, NOW, false],
    ["expired", 0, NOW + 3_600_000, false],
  ])("a socket is kept: %s", (_name, epoch, now, kept) => {
    expect(liveSocketValid({ conversationId: 1, epoch: 0, expiresAt: NOW + 3_600_000, actUntil: 0 }, epoch, now)).toBe(kept);
  });

  it("tags a conversation's sockets so that its events, and every conversation's page, find them", () => {
    expect(liveTags({ kind: "conversation", conversationId: 7 }, 2, "ab12")).toEqual(["live:c7", "epoch:2", "link:ab12"]);
    expect(liveTags({ kind: "all" }, 0, "cd34")).toEqual(["live:all", "epoch:0", "link:cd34"]);
    expect(liveTagsOf(7)).toEqual(["live:c7", "live:all"]);
  });

  it.each<[string | null, number | null]>([[null, 0], ["", 0], ["0", 0], ["42", 42], ["-1", null], ["1.5", null], ["01", null], ["9".repeat(16), null]])("since=%s", (raw, since) => {
    expect(sinceOf(raw)).toBe(since);
  });

  it.each([
    ["allowed", "Allowed."],
    ["denied", "Denied."],
    ["expired", "Denied: nobody answered in time."],
    ["stopped", "Closed: the run was stopped."],
    ["ended", "Closed: the run ended before an answer."],
  ] as const)("a question closed as %s reads %s on the page", (status, text) => {
    expect(approvalClosedText(status)).toBe(text);
  });
});
