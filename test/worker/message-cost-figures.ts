// A message's cost in SQL as last measured by message-cost.test.ts (see bench/README.md, "A
// message's cost, counted"): a change that makes any figure grow by more than a tenth must
// update it here, and say why in its commit.
import type { SqlCounts } from "./sql-counts";

export const MESSAGE_COST: { webhook: SqlCounts; message: SqlCounts } = {
  /** A known sender's POST /twilio/inbound, up to the object's answer: stored, the alarm planned. */
  webhook: { statements: 18, rowsRead: 20, rowsWritten: 5 },
  /** The same message from its webhook to its run's end: answered, its reply in the outbox, the run finished. */
  message: { statements: 108, rowsRead: 109, rowsWritten: 40 },
};
