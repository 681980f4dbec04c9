// What the agent cost, per day (in the user's zone) and conversation.
import { memoBy, type Sql } from "../shared/sql";

export type Spend = { costUsd: number; unknownRuns: number };

export function createSpendRepo(sql: Sql) {
  /** Remembered until spend is written: the budget check asks for today and this month on every message. */
  const between = memoBy(sql, (range: string): Map<number, Spend> => {
    const [first, last] = range.split("/") as [string, string];
    const rows = sql<{ conversation_id: number; cost: number; unknown: number }>`SELECT conversation_id, sum(cost_usd) AS cost, sum(unknown_runs) AS unknown
      FROM spend_days WHERE day >= ${first} AND day <= ${last} GROUP BY conversation_id`;
    return new Map(rows.map((r) => [r.conversation_id, { costUsd: r.cost, unknownRuns: r.unknown }]));
  });
  return {
    /** One answered turn and its cost: one write (an upsert on the day and conversation). */
    add(day: string, conversationId: number, costUsd: number): void {
      sql`INSERT INTO spend_days (day, conversation_id, cost_usd, turns) VALUES (${day}, ${conversationId}, ${costUsd}, 1)
        ON CONFLICT (day, conversation_id) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd, turns = turns + 1`;
    },
    /** Each conversation's answered turns and cost over everything kept. */
    totals(): Map<number, { turns: number; costUsd: number }> {
      const rows = sql<{ conversation_id: number; turns: number; cost: number }>`SELECT conversation_id, sum(turns) AS turns, sum(cost_usd) AS cost
        FROM spend_days GROUP BY conversation_id`;
      return new Map(rows.map((r) => [r.conversation_id, { turns: r.turns, costUsd: r.cost }]));
    },
    /** One answered turn's cost by model: one upsert per model. */
    addByModel(day: string, costs: Readonly<Record<string, number>>): void {
      for (const [model, costUsd] of Object.entries(costs)) {
        sql`INSERT INTO spend_models (day, model, cost_usd) VALUES (${day}, ${model}, ${costUsd})
          ON CONFLICT (day, model) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd`;
      }
    },
    /** Days from `first` to `last` (inclusive), per model, most spent first. */
    byModel(first: string, last: string): { model: string; costUsd: number }[] {
      return sql<{ model: string; cost: number }>`SELECT model, sum(cost_usd) AS cost FROM spend_models WHERE day >= ${first} AND day <= ${last} GROUP BY model ORDER BY cost DESC`.map((r) => ({ model: r.model, costUsd: r.cost }));
    },
    /** A run that ended with no cost reported. */
    addUnknown(day: string, conversationId: number): void {
      sql`INSERT INTO spend_days (day, conversation_id, unknown_runs) VALUES (${day}, ${conversationId}, 1)
        ON CONFLICT (day, conversation_id) DO UPDATE SET unknown_runs = unknown_runs + 1`;
    },
    /** Days from `first` to `last` (inclusive, `yyyy-mm-dd`), per conversation. Read only: the map is shared. */
    between: (first: string, last: string): Map<number, Spend> => between(`${first}/${last}`),
    /** `day`'s spend and the spend of the month range that holds it (`yyyy-mm-dd`), in one read: the budget's check. */
    dayAndMonth(day: string, monthFirst: string, monthLast: string): { dayUsd: number; monthUsd: number } {
      const [row] = sql<{ day_usd: number | null; month_usd: number | null }>`SELECT sum(CASE WHEN day = ${day} THEN cost_usd END) AS day_usd, sum(cost_usd) AS month_usd
        FROM spend_days WHERE day >= ${monthFirst} AND day <= ${monthLast}`;
      return { dayUsd: row?.day_usd ?? 0, monthUsd: row?.month_usd ?? 0 };
    },
    pruneBefore(day: string): void {
      sql`DELETE FROM spend_days WHERE day < ${day}`;
      sql`DELETE FROM spend_models WHERE day < ${day}`;
    },
  };
}
export type SpendRepo = ReturnType<typeof createSpendRepo>;
