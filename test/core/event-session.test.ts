// A run of someone else's text works in a fork of its conversation's session: which batches fork
// (forksSession), that a forked run never hands its session to the conversation (stepRun), and the
// one line the user's next run hears of it (messages/meanwhile.ts).
import { describe, expect, it } from "vitest";
import { forksSession, type QueuedRef } from "../../src/runs/batching";
import { meanwhileLine, withMeanwhile } from "../../src/messages/meanwhile";
import { type Run, stepRun } from "../../src/runs/run-lifecycle";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { handed } from "./pending-messages";

const NOW = 1_000_000;
const user: QueuedRef = { id: "m1", kind: "user", conversationId: 1, slash: false, origin: null };
const issue: QueuedRef = { id: "github-d1", kind: "user", conversationId: 1, slash: false, origin: "GitHub: acme/api#12 labelled agent" };
const strangerTask: QueuedRef = { id: "task-3-1", kind: "task_chat", conversationId: 1, slash: false, origin: "task #3 of acme/api#12 issue" };

describe("forksSession", () => {
  it.each([
    { what: "the user's message", context: "chat" as const, messages: [user], forks: false },
    { what: "an issue's message", context: "chat" as const, messages: [issue], forks: true },
    { what: "a stranger's task in the chat's session", context: "chat" as const, messages: [strangerTask], forks: true },
    { what: "a stranger's task in a fresh session (no session to fork)", context: "fresh" as const, messages: [{ ...strangerTask, kind: "task_fresh" as const }], forks: false },
    { what: "the user's own task in the chat's session", context: "chat" as const, messages: [{ ...strangerTask, origin: null }], forks: false },
  ])("$what", ({ context, messages, forks }) => expect(forksSession({ context }, messages)).toBe(forks));
});

describe("a forked run and the conversation's session", () => {
  const dispatched = (forkSession: boolean) => stepRun(null, [], { type: "dispatch", runId: "r1", ids: ["a"], context: "chat", conversationId: 1, sessionId: "s0", forkSession }, NOW).run!;
  const streaming = (forkSession: boolean): Run => ({ ...dispatched(forkSession), phase: "streaming", lastSeq: 1 });
  const result: VmRunEvent = { seq: 2, type: "result", messageIds: ["a"], text: "done", isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 1, sessionId: "fork-1" };
  const keeps = (run: Run, event: VmRunEvent) => stepRun(run, [handed("a", "r1")], { type: "vm_event", vmRunId: "r1-1", event }, NOW).effects.filter((e) => e.type === "keep_session");

  it("is dispatched with the conversation's session to fork, and remembers it forks", () => {
    expect(dispatched(true)).toMatchObject({ sessionId: "s0", forkSession: true });
    expect(dispatched(false).forkSession).toBe(false);
    // A fresh task has no session to fork.
    expect(stepRun(null, [], { type: "dispatch", runId: "r1", ids: ["a"], context: "fresh", conversationId: 1, sessionId: "s0", forkSession: true }, NOW).run!.forkSession).toBe(false);
  });
  it.each([
    { event: { seq: 2, type: "session", sessionId: "fork-1" } as VmRunEvent, what: "session" },
    { event: result, what: "result" },
  ])("its $what event keeps no session; the user's run's does", ({ event }) => {
    expect(keeps(streaming(true), event)).toEqual([]);
    expect(keeps(streaming(false), event)).toEqual([{ type: "keep_session", sessionId: "fork-1" }]);
  });
  it("a fork that could not resume does not forget the conversation's session", () => {
    const lost: VmRunEvent = { seq: 2, type: "error", code: "unknown_session", message: "gone", toolCalls: undefined };
    expect(keeps(streaming(true), lost)).toEqual([]);
    expect(keeps(streaming(false), lost)).toEqual([{ type: "keep_session", sessionId: null }]);
  });
});

describe("meanwhileLine and withMeanwhile", () => {
  it.each([
    ["Fixed the crash in start.\n\nDetails follow.", "(Meanwhile a run started by acme/api#12 issue did: Fixed the crash in start.)"],
    ["\n\n  second line first\nmore", "(Meanwhile a run started by acme/api#12 issue did: second line first)"],
    ["", "(Meanwhile a run started by acme/api#12 issue ended without a reply)"],
    [`${"x".repeat(300)}`, `(Meanwhile a run started by acme/api#12 issue did: ${"x".repeat(199)}…)`],
    ["a\u202etxt.exe\rhidden", "(Meanwhile a run started by acme/api#12 issue did: atxt.exe hidden)"],
  ])("%j", (reply, line) => expect(meanwhileLine("acme/api#12 issue", reply)).toBe(line));

  it("puts the lines before the first message only, and changes nothing without any", () => {
    const input = [{ id: "m1", text: "what next?" }, { id: "m2", text: "and?" }];
    expect(withMeanwhile(input, ["(one)", "(two)"])).toEqual([{ id: "m1", text: "(one)\n(two)\n\nwhat next?" }, { id: "m2", text: "and?" }]);
    expect(withMeanwhile(input, [])).toEqual(input);
    expect(withMeanwhile([], ["(one)"])).toEqual([]);
  });
});
