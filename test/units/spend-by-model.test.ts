// Spend by model (migration 0039): each answered turn's costs by the model that spent them, summed
// per day, most spent first over a range, and pruned with the days; the conversation's model and
// plan columns (0036) read back as written.
import { expect, it } from "vitest";
import { useUnitDb } from "./helpers/unit-db";

const db = useUnitDb();

it("sums a month's spend by model, most first, and prunes it with the days", () => {
  const { spend } = db.repos;
  spend.addByModel("2026-11-01", { "claude-sonnet-5-5": 0.25 });
  spend.addByModel("2026-11-02", { "claude-sonnet-5-5": 0.5, "claude-opus-5-5": 1 });
  spend.addByModel("2026-12-01", { "claude-haiku-5-5": 9 });
  expect(spend.byModel("2026-11-01", "2026-11-31")).toEqual([
    { model: "claude-opus-5-5", costUsd: 1 },
    { model: "claude-sonnet-5-5", costUsd: 0.75 },
  ]);
  spend.pruneBefore("2026-11-02");
  expect(spend.byModel("2026-11-01", "2026-11-31")).toEqual([
    { model: "claude-opus-5-5", costUsd: 1 },
    { model: "claude-sonnet-5-5", costUsd: 0.5 },
  ]);
});

it("keeps a conversation's model, effort and plan-first as written", () => {
  const { conversations } = db.repos;
  const main = conversations.get(1)!;
  expect(main).toMatchObject({ model: null, effort: null, planMode: false, planNext: false });
  conversations.setModel(1, "sonnet[1m]");
  conversations.setEffort(1, "high");
  conversations.setPlanMode(1, true);
  conversations.setPlanNext(1, true);
  expect(conversations.get(1)).toMatchObject({ model: "sonnet[1m]", effort: "high", planMode: true, planNext: true });
});
