import { describe, expect, it } from "vitest";
import { budgetHeldReply, type CostFacts, costReply } from "../../../src/usage/spend-replies";

const FOOTER = "Costs are what Claude Code reports per answer, scheduled tasks included.";

describe("costReply", () => {
  it.each<[string, CostFacts, string[]]>([
    ["nothing spent", { day: "2026-11-22", timeZone: "UTC", todayUsd: 0, month: [] }, ["Spend today (2026-11-22, UTC): $0.00. This month: $0.00.", FOOTER]],
    [
      "per conversation, most first, idle ones left out",
      {
        day: "2026-11-22",
        timeZone: "Europe/Paris",
        todayUsd: 0.5,
        month: [
          { conversation: "main", costUsd: 0.25, unknownRuns: 0 },
          { conversation: "idle", costUsd: 0, unknownRuns: 0 },
          { conversation: null, costUsd: 1.5, unknownRuns: 0 },
        ],
      },
      ["Spend today (2026-11-22, Europe/Paris): $0.50. This month: $1.75.", "This month by conversation: a deleted conversation $1.50, main $0.25.", FOOTER],
    ],
    [
      "runs of unknown cost are counted apart",
      { day: "2026-11-22", timeZone: "UTC", todayUsd: 0, month: [{ conversation: "main", costUsd: 0, unknownRuns: 1 }, { conversation: "api", costUsd: 0.002, unknownRuns: 1 }] },
      [
        "Spend today (2026-11-22, UTC): $0.00. This month: $0.002.",
        "This month by conversation: api $0.002, main $0.00.",
        "2 runs this month ended without the agent reporting a cost (a crash or a stop): unknown, not counted.",
        FOOTER,
      ],
    ],
    [
      "the offline model's runs: free, and said why",
      { day: "2026-11-22", timeZone: "UTC", todayUsd: 0, month: [{ conversation: "main", costUsd: 0, unknownRuns: 0 }], offlineModel: true },
      ["Spend today (2026-11-22, UTC): $0.00. This month: $0.00.", FOOTER, "The agent answers with the offline model (no model key is set): its runs cost nothing."],
    ],
    [
      "by model, most first, the unspent left out",
      {
        day: "2026-11-22",
        timeZone: "UTC",
        todayUsd: 0.5,
        month: [{ conversation: "main", costUsd: 1.25, unknownRuns: 0 }],
        byModel: [
          { model: "claude-opus-5-5", costUsd: 1 },
          { model: "claude-sonnet-5-5", costUsd: 0.25 },
          { model: "claude-haiku-5-5", costUsd: 0 },
        ],
      },
      ["Spend today (2026-11-22, UTC): $0.50. This month: $1.25.", "This month by conversation: main $1.25.", "This month by model: claude-opus-5-5 $1.00, claude-sonnet-5-5 $0.25.", FOOTER],
    ],
    [
      "one run of unknown cost",
      { day: "2026-11-22", timeZone: "UTC", todayUsd: 0, month: [{ conversation: "main", costUsd: 0, unknownRuns: 1 }] },
      ["Spend today (2026-11-22, UTC): $0.00. This month: $0.00.", "This month by conversation: main $0.00.", "1 run this month ended without the agent reporting a cost (a crash or a stop): unknown, not counted.", FOOTER],
    ],
  ])("%s", (_, facts, lines) => {
    expect(costReply(facts).split("\n")).toEqual(lines);
  });
});

describe("budgetHeldReply", () => {
  it.each<[Parameters<typeof budgetHeldReply>[0], string, string]>([
    [
      { ok: false, period: "daily", spentUsd: 20.5, limitUsd: 20, resetsAt: Date.UTC(2026, 10, 23) },
      "UTC",
      "💸 Your daily budget of $20.00 is spent ($20.50 today), so I'm holding your messages until it resets 2026-11-23 00:00 (UTC). An admin can raise it; /stop drops what waits.",
    ],
    [
      { ok: false, period: "monthly", spentUsd: 100, limitUsd: 100, resetsAt: Date.UTC(2026, 10, 30, 23) },
      "Europe/Paris",
      "💸 Your monthly budget of $100.00 is spent ($100.00 this month), so I'm holding your messages until it resets 2026-12-01 00:00 (Europe/Paris). An admin can raise it; /stop drops what waits.",
    ],
  ])("%j in %s", (check, zone, expected) => {
    expect(budgetHeldReply(check, zone)).toBe(expected);
  });
});
