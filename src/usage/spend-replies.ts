// What the user reads about money: /cost (today, this month, per conversation) and the notice
// that a spent cap holds their messages. Pure: the sums come in, the text goes out.
import type { BudgetCheck } from "./budget";
import { formatUsd } from "../shared/format-ago";
import { budgetHeldNotice } from "../messages/notices";
import { formatDateTimeInZone } from "../schedules/schedule-format";

export type CostFacts = {
  /** Today's date in the user's zone (YYYY-MM-DD), and that zone. */
  day: string;
  timeZone: string;
  todayUsd: number;
  /** This month, per conversation (`conversation` null once deleted); runs of unknown cost counted apart. */
  month: readonly { conversation: string | null; costUsd: number; unknownRuns: number }[];
  /** The agent's last answer came from the project's offline model: its runs cost nothing, and the reply says why. */
  offlineModel?: boolean;
  /** This month, per model (the CLI's model ids), most spent first. */
  byModel?: readonly { model: string; costUsd: number }[];
};

export function costReply(f: CostFacts): string {
  const monthUsd = f.month.reduce((n, c) => n + c.costUsd, 0);
  const unknownRuns = f.month.reduce((n, c) => n + c.unknownRuns, 0);
  const lines = [`Spend today (${f.day}, ${f.timeZone}): ${formatUsd(f.todayUsd)}. This month: ${formatUsd(monthUsd)}.`];
  const parts = f.month
    .filter((c) => c.costUsd > 0 || c.unknownRuns > 0)
    .sort((a, b) => b.costUsd - a.costUsd)
    .map((c) => `${c.conversation ?? "a deleted conversation"} ${formatUsd(c.costUsd)}`);
  if (parts.length > 0) lines.push(`This month by conversation: ${parts.join(", ")}.`);
  const models = byModelLine(f.byModel ?? []);
  if (models !== null) lines.push(models);
  if (unknownRuns > 0) {
    lines.push(`${unknownRuns} run${unknownRuns === 1 ? "" : "s"} this month ended without the agent reporting a cost (a crash or a stop): unknown, not counted.`);
  }
  lines.push("Costs are what Claude Code reports per answer, scheduled tasks included.");
  if (f.offlineModel) lines.push("The agent answers with the offline model (no model key is set): its runs cost nothing.");
  return lines.join("\n");
}

/** "This month by model: claude-opus-4-5 $1.20, claude-haiku-4-5 $0.03." (/cost and the private page); null: nothing spent by any model. */
export function byModelLine(byModel: readonly { model: string; costUsd: number }[]): string | null {
  const models = byModel.filter((m) => m.costUsd > 0).map((m) => `${m.model} ${formatUsd(m.costUsd)}`);
  return models.length > 0 ? `This month by model: ${models.join(", ")}.` : null;
}

/** A spent cap: when it resets, in the user's zone and naming it. */
export function budgetHeldReply(check: Extract<BudgetCheck, { ok: false }>, timeZone: string): string {
  return budgetHeldNotice({ ...check, resetsAt: `${formatDateTimeInZone(check.resetsAt, timeZone)} (${timeZone})` });
}
