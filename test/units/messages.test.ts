// The messages service over a real SQLite: each move of the lifecycle written where it belongs, the
// one acknowledgement per run, /stop and /deny naming what they drop, a cut run's turns carried
// once and then failed with a notice that quotes them, and a task's failure told once.
import { describe, expect, it } from "vitest";
import { type MessageEvent, type RunEnding, stepMessages } from "../../src/messages/message-lifecycle";
import { createMessages } from "../../src/messages/messages";
import { messagesNotices } from "../../src/outbox/messages-notices";
import { createSchedules } from "../../src/schedules/schedules-unit";
import { T0, noLog, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
/**
 * The service, with a run's moves of its messages decided as the run's lifecycle decides them
 * (stepMessages over what is pending) and written through runStepped, the way the runs unit does.
 */
const unit = () => {
  const schedules = createSchedules({ repo: t.repos.schedules, messages: t.repos.messages, settings: t.repos.settings, transaction: t.sql.transaction, repoTrusted: () => false });
  const service = createMessages({ repo: t.repos.messages, outbox: messagesNotices(t.repos.outbox), schedules, log: noLog });
  const stepped = (event: Extract<MessageEvent, { runId: string }>, now: number) => {
    const { moves, effects } = stepMessages(t.repos.messages.pending(), event);
    service.runStepped(event.runId, moves, effects, now);
  };
  return {
    ...service,
    handed: (runId: string, ids: readonly string[], how: "batch" | "inject", now: number) => stepped({ type: "handed", runId, ids, how }, now),
    answered: (runId: string, ids: readonly string[], now: number) => stepped({ type: "answered", runId, ids }, now),
    unread: (runId: string, ids: readonly string[], now: number) => stepped({ type: "unread", runId, ids }, now),
    runEnded: (runId: string, how: RunEnding, now: number) => stepped({ type: "run_ended", runId, how }, now),
  };
};
const add = (id: string, body = `text ${id}`, conversationId = 1) => t.repos.messages.insert({ id, body, media: [], conversationId, now: T0 });
const rows = () => t.rows<{ id: string; status: string; run_id: string | null; cuts: number; attempts: number; handed_how: string | null }>("SELECT id, status, run_id, cuts, attempts, handed_how FROM messages ORDER BY seq");
const told = () => t.rows<{ dedupe_key: string; body: string }>("SELECT dedupe_key, body FROM outbox ORDER BY id");

describe("the messages unit", () => {
  it("hands, answers and counts a hand as an attempt; a replayed answer changes nothing", () => {
    const messages = unit();
    add("a");
    add("b");
    messages.handed("r1", ["a"], "batch", T0);
    messages.handed("r1", ["b"], "inject", T0);
    messages.answered("r1", ["a"], T0);
    messages.answered("r1", ["a"], T0);
    expect(rows()).toEqual([
      { id: "a", status: "answered", run_id: "r1", cuts: 0, attempts: 1, handed_how: "batch" },
      { id: "b", status: "handed", run_id: "r1", cuts: 0, attempts: 1, handed_how: "inject" },
    ]);
  });

  it("keeps one acknowledgement per run, saying how many wait", () => {
    const messages = unit();
    add("a");
    messages.received("a", "r1", T0);
    add("b");
    messages.received("b", "r1", T0);
    expect(told()).toEqual([{ dedupe_key: "ack:r1", body: "Got it: 2 messages are waiting, and I'll process them next." }]);
  });

  it("/stop drops the conversation's queued and handed messages and returns them named; other conversations keep theirs", () => {
    const messages = unit();
    add("a", "long job");
    add("b", "queued behind it");
    add("c", "for api", 2);
    messages.handed("r1", ["a"], "batch", T0);
    expect(messages.stop(1, T0).map((m) => [m.body, m.how])).toEqual([["long job", "batch"], ["queued behind it", null]]);
    expect(rows().map((r) => [r.id, r.status])).toEqual([["a", "dropped"], ["b", "dropped"], ["c", "queued"]]);
    // The VM's late result for a dropped message answers nothing.
    messages.answered("r1", ["a"], T0);
    expect(rows()[0]!.status).toBe("dropped");
  });

  it("a cut carries the unanswered turn into the next run once; a second cut fails it and the notice quotes it", () => {
    const messages = unit();
    add("a", "fix the flaky test");
    messages.handed("r1", ["a"], "batch", T0);
    messages.runEnded("r1", { kind: "cut" }, T0);
    expect(rows()[0]).toMatchObject({ status: "queued", run_id: null, cuts: 1 });
    expect(told()).toEqual([]);
    messages.handed("r2", ["a"], "batch", T0);
    messages.runEnded("r2", { kind: "cut" }, T0);
    expect(rows()[0]).toMatchObject({ status: "failed", cuts: 2, attempts: 2 });
    expect(told()).toEqual([
      {
        dedupe_key: "gave-up:r2",
        body: "⚠️ Your agent was interrupted twice while working on your message “fix the flaky test”, so I stopped retrying. What it sent above is all it produced; send it again to retry.",
      },
    ]);
  });

  it("what the CLI never read goes back to the queue, uncounted; the relay's own answer ends a queued message", () => {
    const messages = unit();
    add("a");
    add("b");
    messages.handed("r1", ["a"], "batch", T0);
    messages.unread("r1", ["a"], T0);
    messages.answeredByRelay("b", T0);
    expect(rows().map((r) => [r.id, r.status, r.cuts])).toEqual([["a", "queued", 0], ["b", "answered", 0]]);
  });

  it("a failed run names every message it held; /deny drops everything", () => {
    const messages = unit();
    add("a", "one");
    add("b", "two");
    add("c", "three", 2);
    messages.handed("r1", ["a", "b"], "batch", T0);
    messages.runEnded("r1", { kind: "failed", reason: "auth_failed" }, T0);
    expect(told().map((m) => m.body)).toEqual([
      "⚠️ Your agent can't sign in to Anthropic (authentication failed), so your messages “one”, “two” were not processed. The operator has to fix the API key; then send them again.",
    ]);
    expect(messages.deny(T0).map((m) => m.body)).toEqual(["three"]);
    expect(rows().map((r) => r.status)).toEqual(["failed", "failed", "dropped"]);
  });
});
