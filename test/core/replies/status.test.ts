import { describe, expect, it } from "vitest";
import { type StatusFacts, statusReply } from "../../../src/runs/status-replies";

const NOW = Date.UTC(2026, 10, 22, 12, 0);
const idle: StatusFacts = { run: null, queued: [], current: null, vm: null, nextTask: null, spend: { spentUsd: 0, limitUsd: 20 }, timeZone: "UTC" };
const run = { createdAt: NOW - 7 * 60_000, retryAttempt: null, conversation: "api", task: false, progress: null };

describe("statusReply", () => {
  it.each<[string, Partial<StatusFacts>, string[]]>([
    ["idle, nothing known", {}, ["The agent is idle.", "Nothing is queued.", "VM: no run has reached it yet (/status vm asks it now).", "Spent today: $0.00 of $20.00 (daily budget)."]],
    ["busy with progress", { run: { ...run, progress: "Running: npm test" } }, ["The agent is busy in api for 7 min: Running: npm test."]],
    ["a scheduled task waiting to retry", { run: { ...run, retryAttempt: 3, task: true } }, ["The agent is waiting to retry (attempt 3) in api for 7 min (a scheduled task)."]],
    ["a run of a deleted conversation, clock behind", { run: { ...run, createdAt: NOW + 60_000, conversation: null } }, ["The agent is busy in a deleted conversation for under a minute."]],
    ["a run just started", { run: { ...run, createdAt: NOW - 20_000 } }, ["The agent is busy in api for under a minute."]],
    ["a run a trigger started", { run: { ...run, startedBy: "trigger deploy-check", progress: "Running: curl" } }, ["The agent is busy in api for 7 min (started by trigger deploy-check): Running: curl."]],
    ["a run a minute old", { run: { ...run, createdAt: NOW - 60_000 } }, ["The agent is busy in api for 1 min."]],
    [
      "queued in two conversations, one unknown",
      { queued: [{ conversation: "api", count: 2 }, { conversation: null, count: 1 }] },
      ["The agent is idle.", "Waiting: api 2, ? 1."],
    ],
    [
      "the current conversation, deep, with a session",
      { current: { name: "main", sessionId: "0123456789abcdef", deep: true, turns: 4, costUsd: 0.25 } },
      ["Current conversation: main (session 01234567…, deep mode on; 4 turns, $0.25). /sessions lists them all."],
    ],
    ["the current conversation, no session yet", { current: { name: "main", sessionId: null, deep: false, turns: 0, costUsd: 0 } }, ["Current conversation: main (no session yet; 0 turns, $0.00). /sessions lists them all."]],
    ["the VM answered", { vm: { ok: true, at: NOW - 120_000, failure: null } }, ["VM: last answered 2 min ago."]],
    // A fresh instance (after an eviction) saw nothing, but runs got answers: never "no contact".
    ["answers kept, nothing seen by this instance", { vm: null, vmAnsweredAt: NOW - 180_000 }, ["VM: last answered 3 min ago."]],
    ["a later answer than the start this instance saw", { vm: { ok: true, at: NOW - 600_000, failure: null }, vmAnsweredAt: NOW - 60_000 }, ["VM: last answered 1 min ago."]],
    ["a failure after the last answer says both", { vm: { ok: false, at: NOW, failure: "unreachable" }, vmAnsweredAt: NOW - 300_000 }, ["VM: did not answer just now (unreachable), it last answered 5 min ago; /status vm asks again."]],
    ["an answer after a failure: the answer", { vm: { ok: false, at: NOW - 300_000, failure: "timeout" }, vmAnsweredAt: NOW - 60_000 }, ["VM: last answered 1 min ago."]],
    ["the VM did not answer", { vm: { ok: false, at: NOW, failure: "unreachable" } }, ["VM: did not answer just now (unreachable); /status vm asks again."]],
    ["the next task", { nextTask: { id: 9, at: NOW + 3_600_000 } }, ["Next task: #9 at Sun 22 Nov 13:00 (/schedules)."]],
    [
      "paused for the model's limit, in the user's zone",
      { queued: [{ conversation: "api", count: 2 }], paused: { kind: "limit", until: NOW + 3_600_000, limit: "five_hour" }, timeZone: "Europe/Paris" },
      ["Waiting: api 2.", "⏸️ Paused until 14:00 (Europe/Paris): the model refused: its 5-hour limit. What waits goes on by itself then."],
    ],
    ["paused for an outage", { paused: { kind: "unavailable", until: NOW + 120_000, limit: null } }, ["⏸️ Paused until 12:02 (UTC): the model is unavailable. What waits goes on by itself then."]],
    ["spend under a cent", { spend: { spentUsd: 0.004, limitUsd: 0.5 } }, ["Spent today: $0.004 of $0.50 (daily budget)."]],
  ])("%s", (_, facts, lines) => {
    const text = statusReply({ ...idle, ...facts }, NOW).split("\n");
    for (const line of lines) expect(text).toContain(line);
  });

  it("says it all in order, one line each", () => {
    const text = statusReply(
      { ...idle, run, queued: [{ conversation: "api", count: 1 }], current: { name: "api", sessionId: null, deep: false, turns: 1, costUsd: 0 }, nextTask: { id: 1, at: NOW } },
      NOW,
    );
    expect(text.split("\n").map((l) => l.split(" ")[0])).toEqual(["The", "Waiting:", "Current", "VM:", "Next", "Spent"]);
  });
});
