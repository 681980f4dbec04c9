// A trigger's run is held by the daily budget like any message: stored (202), but no run starts
// while the budget is spent.
import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sentTo, vmRequests } from "../worker/helpers";
import { addTrigger, fire } from "../worker/trigger-helpers";

const phone = "+15550000112";

it("holds a firing while the daily budget is spent", async () => {
  await ask(phone, "one");
  await ask(phone, "two");
  const made = await addTrigger(phone, "later", "run when you can");
  expect((await fire(made.url, { token: made.token })).status).toBe(202);
  // The budget unit says it holds the work (once), as it does for a message.
  await eventually(async () => bodies(await sentTo(phone)).some((b) => b?.startsWith("💸 Your daily budget")));
  expect(await query(phone, "SELECT status FROM messages WHERE id LIKE 'trigger-%'")).toEqual([{ status: "queued" }]);
  expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(2);
});
