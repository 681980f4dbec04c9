import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ask, eventually, query, rewriteStorage, sentTo, stubFor } from "../worker/helpers";
import { TEST_TEMPLATE_SID } from "../worker/test-env";

it("outside the 24-hour window sends the approved template once, holds the result, delivers it on the next message", async () => {
  const phone = "+15550000150";
  await ask(phone, "/schedule every 1h report");
  await ask(phone, "/schedule every 1h second report");
  await rewriteStorage(phone, (storage) => {
    storage.sql.exec("UPDATE messages SET received_at = ? WHERE kind = 'user'", Date.now() - 30 * 3600_000);
  });
  const before = (await sentTo(phone)).length;
  // The two tasks are due a few milliseconds apart: one alarm each, unless the first alarm's
  // pump is still going when the second comes due (its clock moves on), and runs both.
  await runDurableObjectAlarm(stubFor(phone));
  if ((await query(phone, "SELECT id FROM runs")).length < 2) await runDurableObjectAlarm(stubFor(phone));
  await eventually(async () => (await query(phone, "SELECT id FROM outbox WHERE held = 1")).length === 2);

  const sent = (await sentTo(phone)).slice(before);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.contentSid).toBe(TEST_TEMPLATE_SID);
  expect(sent[0]!.contentVariables).toEqual({ "1": "a result from your agent" });

  // Both tasks' runs may overlap (claimed in one pump): then each reply names its conversation,
  // "[main] …", as replies do while several runs are live. The window's behaviour is the same.
  const unnamed = (body: string | null | undefined) => body?.replace(/^\[main\] /, "");
  const first = await ask(phone, "show me");
  expect(unnamed(first)).toBe("⏰ Task #1\n\necho: report");
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === "echo: show me"));
  const after = (await sentTo(phone)).slice(before).map((m) => (m.contentSid ? "[template]" : unnamed(m.body)));
  expect(after).toEqual(["[template]", "⏰ Task #1\n\necho: report", "⏰ Task #2\n\necho: second report", "echo: show me"]);
});
