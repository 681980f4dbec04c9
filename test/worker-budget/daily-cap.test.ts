import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sendInbound, sentTo, stubFor, vmRequests } from "../worker/helpers";

const phone = "+15550000102";

it("past the daily cap no run starts, the user is told once, and the messages run after midnight in their zone", async () => {
  expect(await ask(phone, "/tz Asia/Kolkata")).toMatch(/^Time zone set to Asia\/Kolkata/);
  await ask(phone, "one");
  await ask(phone, "two");
  // $0.002 spent: the cap. The next messages wait; the user hears why once.
  await sendInbound(phone, "three");
  const notice = await eventually(async () => (await sentTo(phone)).find((m) => m.body?.startsWith("💸")));
  expect(notice.body).toMatch(
    /^💸 Your daily budget of \$0\.002 is spent \(\$0\.002 today\), so I'm holding your messages until it resets \d{4}-\d{2}-\d{2} 00:00 \(Asia\/Kolkata\)\. An admin can raise it; \/stop drops what waits\.$/,
  );
  await sendInbound(phone, "four");
  await eventually(async () => (await query(phone, "SELECT id FROM messages WHERE status = 'queued'")).length === 2);
  expect((await vmRequests(phone)).filter((r) => r.kind === "start")).toHaveLength(2);
  expect(bodies(await sentTo(phone)).filter((b) => b?.startsWith("💸"))).toHaveLength(1);

  // The alarm is set for the user's next midnight, not now (an idle object stays idle till then).
  const alarm = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());
  const local = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Kolkata", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(alarm!);
  expect(local).toBe("00:00");
  expect(alarm!).toBeGreaterThan(Date.now());
  // The platform runs it (the handler takes its scheduled time as now): a new day, the budget is fresh.
  await runDurableObjectAlarm(stubFor(phone));
  await eventually(async () => bodies(await sentTo(phone)).includes("echo: three | four"));
});
