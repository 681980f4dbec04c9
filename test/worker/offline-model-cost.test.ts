// The offline model's runs through the relay: free in /cost (which says why), in /status and the
// budget; /help names its minute-long run while the agent answers with it, and not once a real model does.
import { beforeAll, expect, it } from "vitest";
import { OFFLINE_LONG_RUN_HELP } from "../../src/commands/help";
import { ask, eventually, query, sendInbound, sentTo } from "./helpers";
import { allowPhones } from "./trigger-helpers";

const phone = "+15550000727";
beforeAll(() => allowPhones([phone]));

async function answered(text: string): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, text);
  await eventually(async () => (await sentTo(phone)).slice(before).some((m) => (m.body ?? "").startsWith("echo: ")));
  await eventually(async () => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase != 'finished'"))[0]!.n === 0);
}

it("costs nothing on the offline model and says why; /help names its long run until a real model answers", async () => {
  await answered("hello [[vm:offline-model]]");
  const cost = await ask(phone, "/cost");
  expect(cost).toMatch(/^Spend today \([^)]+\): \$0\.00\. This month: \$0\.00\./);
  expect(cost).toContain("The agent answers with the offline model (no model key is set): its runs cost nothing.");
  expect(await ask(phone, "/status")).toContain("Spent today: $0.00 of");
  expect((await ask(phone, "/help")).split("\n")).toContain(OFFLINE_LONG_RUN_HELP);

  await answered("hello again");
  expect(await ask(phone, "/cost")).not.toContain("offline model");
  expect(await ask(phone, "/help")).not.toContain(OFFLINE_LONG_RUN_HELP);
});
