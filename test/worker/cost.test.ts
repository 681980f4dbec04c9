import { expect, it } from "vitest";
import { ask, eventually, query, sendInbound, vmRequests } from "./helpers";

const phone = "+15550000169";

it("/cost: today and this month in the user's zone, per conversation, and runs that reported no cost as unknown", async () => {
  // The VM stand-in reports $0.001 per answered turn.
  await ask(phone, "one");
  await ask(phone, "two");
  await ask(phone, "/new api");
  await ask(phone, "three");
  // A run stopped before any answer: its cost is unknown, not zero.
  await sendInbound(phone, "long [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).filter((r) => r.kind === "start").length === 4);
  await ask(phone, "/stop");
  await eventually(async () => (await query(phone, "SELECT id FROM runs WHERE outcome IS NULL")).length === 0);

  const lines = (await ask(phone, "/cost")).split("\n");
  expect(lines[0]).toMatch(/^Spend today \(\d{4}-\d{2}-\d{2}, UTC\): \$0\.003\. This month: \$0\.003\.$/);
  expect(lines[1]).toBe("This month by conversation: main $0.002, api $0.001.");
  expect(lines[2]).toBe("1 run this month ended without the agent reporting a cost (a crash or a stop): unknown, not counted.");
  expect(lines[3]).toBe("Costs are what Claude Code reports per answer, scheduled tasks included.");
});
