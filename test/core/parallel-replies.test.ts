// What the user reads and types when several conversations run at once: /stop's arguments, the
// notice of a batch that waits, /stop <name> and /stop all's answer, /status with several runs,
// and the budget's share per live run.
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/commands";
import { runWaitsNotice } from "../../src/runs/parallel-runs-replies";
import { stopRepliesByConversation } from "../../src/messages/notices";
import { statusReply, type StatusFacts } from "../../src/runs/status-replies";
import { admitsAnotherRun } from "../../src/usage/budget";

const NOW = Date.UTC(2026, 10, 25, 12, 0);

describe("/stop's arguments", () => {
  it.each([
    ["/stop", { type: "cancel" }],
    ["/cancel", { type: "cancel" }],
    ["/stop all", { type: "cancel", target: "all" }],
    ["/STOP ALL", { type: "cancel", target: "all" }],
    ["/stop api", { type: "cancel", target: { name: "api" } }],
    ["/stop @web", { type: "cancel", target: { name: "web" } }],
    ["/stop two words", { type: "invalid", reason: '/stop takes a conversation\'s name or "all": /stop api, /stop all.' }],
  ])("%s", (text, parsed) => expect(parseCommand(text)).toEqual(parsed));
});

describe("runWaitsNotice", () => {
  it("names the conversation that waits and the oldest run", () => {
    expect(runWaitsNotice({ waiting: "web", running: "api", startedAt: NOW - 12 * 60_000, limit: 3 }, NOW)).toBe(
      "⏳ [web] waits: 3 runs are going at once, the most there may be. It starts when one ends, at the latest when [api] (started 12 min ago) does. /status lists them, /stop <name> ends one.",
    );
  });
  it("when the budget left is kept for the run going", () => {
    expect(runWaitsNotice({ waiting: "web", running: "api", startedAt: NOW, limit: 1, budget: true }, NOW)).toBe(
      "⏳ [web] waits: what is left of today's budget is kept for [api] (started just now), so it starts when that one ends. /status lists them, /stop <name> ends one.",
    );
  });
});

describe("stopRepliesByConversation", () => {
  const named = (body: string, how: "batch" | "inject" | null) => ({ body, scheduleId: null, how });
  it.each([
    ["nothing anywhere", [], 0, "Nothing is running."],
    [
      "two runs, one with a waiting message",
      [
        { name: "api", stoppedRun: true, dropped: [named("fix it", "batch")] },
        { name: "web", stoppedRun: true, dropped: [named("notes", "batch"), named("and more", null)] },
      ],
      1,
      "[api] Stopped the run on “fix it”.\n[web] Stopped the run on “notes”. Dropped 1 message: “and more”.\nDenied 1 pending approval.",
    ],
    ["a conversation with only waiting messages", [{ name: "docs", stoppedRun: false, dropped: [named("later", null)] }], 0, "[docs] Nothing was running. Dropped 1 message: “later”."],
  ] as const)("%s", (_name, stopped, denied, text) => expect(stopRepliesByConversation(stopped, denied)).toBe(text));
});

describe("statusReply with several runs", () => {
  const base: StatusFacts = { run: null, queued: [], current: null, vm: null, nextTask: null, spend: { spentUsd: 0, limitUsd: 20 }, timeZone: "UTC" };
  it("one line per live run: conversation, age, what started it, spend so far, its last step", () => {
    const text = statusReply(
      {
        ...base,
        run: { createdAt: NOW - 30 * 60_000, retryAttempt: null, conversation: "api", task: false, progress: "Running: npm test", label: "the run for “fix the flaky test”", costUsd: 0.42 },
        others: [
          { createdAt: NOW - 5 * 60_000, retryAttempt: null, conversation: "web", task: false, progress: null, startedBy: "GitHub owner/web", costUsd: 0 },
          { createdAt: NOW - 60_000, retryAttempt: 2, conversation: "docs", task: true, progress: null },
        ],
      },
      NOW,
    ).split("\n");
    expect(text.slice(0, 4)).toEqual([
      "3 runs are going at once (/stop <name> ends one, /stop all every one):",
      "• api: busy for 30 min (the run for “fix the flaky test”), $0.42 so far: Running: npm test.",
      "• web: busy for 5 min (started by GitHub owner/web).",
      "• docs: waiting to retry (attempt 2) for 1 min (a scheduled task).",
    ]);
  });
});

describe("admitsAnotherRun: the budget across live runs", () => {
  it.each([
    ["no run going: the caps alone decide", 0.1, [], true],
    ["$5 left, one run going that spent little: a second may start", 5, [{ costUsd: 0.2 }], true],
    ["$1.50 left, one run going: not enough for two shares of $1", 1.5, [{ costUsd: 0 }], false],
    ["$5 left, two runs going: three shares of $1", 5, [{ costUsd: 0.5 }, { costUsd: 0.5 }], true],
    ["$5 left, two runs that spent $2 each so far: three shares of $2 do not fit", 5, [{ costUsd: 2 }, { costUsd: 2 }], false],
  ] as const)("%s", (_name, left, live, admits) => expect(admitsAnotherRun(left, live)).toBe(admits));
});
