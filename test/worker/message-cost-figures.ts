// A message's cost in SQL as last measured by message-cost.test.ts (see bench/README.md, "A
// message's cost, counted"): a change that makes any figure grow by more than a tenth must
// update it here, and say why in its commit.
import type { SqlCounts } from "./sql-counts";

export const MESSAGE_COST: { webhook: SqlCounts; toVm: SqlCounts; followUpToVm: SqlCounts; message: SqlCounts } = {
  /** A known sender's POST /twilio/inbound, up to the object's answer: stored, the alarm planned. */
  webhook: { statements: 16, rowsRead: 19, rowsWritten: 3 },
  /** From the webhook to the run's start leaving for the VM (`POST /v1/runs`): the object's share of the way to the model. */
  toVm: { statements: 22, rowsRead: 24, rowsWritten: 6 },
  /** The same for a follow-up to the object still in memory, counted from once the first message's reply has gone. */
  followUpToVm: { statements: 7, rowsRead: 10, rowsWritten: 6 },
  /** The same message from its webhook to its run's end: answered, its reply sent (Twilio's answer stored), the run finished. */
  message: { statements: 65, rowsRead: 77, rowsWritten: 19 },
};

/**
 * The whole message's rows written, by the table each statement writes (the row and its index
 * entries, as workerd counts them). The object's first message: `conversations` is written once per
 * phone (its first session), not per message; `settings` none (PUBLIC_URL is configured, the model not offline). The count is taken once the
 * reply is sent (its row 3, marked in flight 1, sent 1: no sent_ref index since 0044), so the
 * send's writes are always in it. The outbox keeps no due time in due_times: none is written.
 */
export const MESSAGE_ROWS_BY_TABLE: Readonly<Record<string, number>> = {
  messages: 5,
  runs: 4,
  live_events: 3,
  conversations: 1,
  outbox: 5,
  spend_days: 1,
};
