import { expect, it } from "vitest";
import { ask, bodies, eventually, query, sendInbound, sentTo, vmRequests } from "../worker/helpers";
import { adminOf, configuredOf } from "./admin-env";

const admin = adminOf(4);
const user = configuredOf(4);

it("/budget sets a user's daily cap: a lower one holds their work, a higher one releases it at once", async () => {
  expect(await ask(admin, `/budget ${user} 0.001`)).toBe(`Daily budget of ${user} is now $0.001 a day; spent today $0.00.`);
  expect(await ask(user, "one")).toBe("echo: one");
  // $0.001 spent (the VM stand-in's cost per answer): the cap. The next message waits.
  await sendInbound(user, "two");
  await eventually(async () => bodies(await sentTo(user)).some((b) => b?.startsWith("💸 Your daily budget of $0.001 is spent")));
  expect(await query(user, "SELECT body FROM messages WHERE status = 'queued'")).toEqual([{ body: "two" }]);
  expect(await ask(admin, "/users")).toContain(`${user} (config) · active just now · held by budget until `);

  expect(await ask(admin, `/budget ${user} 1`)).toBe(`Daily budget of ${user} is now $1.00 a day; spent today $0.001. Released: 1 waiting message run now.`);
  await eventually(async () => bodies(await sentTo(user)).includes("echo: two"));
  expect((await vmRequests(user)).filter((r) => r.kind === "start")).toHaveLength(2);
  expect(await query(user, "SELECT value FROM settings WHERE key = 'daily_budget_usd'")).toEqual([{ value: "1" }]);

  expect(await ask(admin, `/budget ${user} default`)).toBe(`Daily budget of ${user} is now $20.00 a day (the configured default); spent today $0.002.`);
  expect(await query(user, "SELECT value FROM settings WHERE key = 'daily_budget_usd'")).toEqual([]);
});

it("/budget of a number that is not a user changes nothing", async () => {
  expect(await ask(admin, "/budget +15550001949 5")).toBe("+15550001949 is not a user (not in ALLOWED_SENDERS, ADMIN_SENDERS or the allowlist); nothing changed. /allow it first.");
  // A Telegram user id is looked for in Telegram's lists, and the reply names those.
  expect(await ask(admin, "/budget 987650949 5")).toBe("tg-987650949 is not a user (not in ALLOWED_TELEGRAM_USERS, ADMIN_TELEGRAM_USERS or the allowlist); nothing changed. /allow it first.");
});

it("a raised cap that is reached again the same day is said again, once", async () => {
  const admin5 = adminOf(7);
  const user5 = configuredOf(7);
  expect(await ask(admin5, `/budget ${user5} 0.001`)).toMatch(/^Daily budget of/);
  expect(await ask(user5, "one")).toBe("echo: one");
  await sendInbound(user5, "two");
  await eventually(async () => bodies(await sentTo(user5)).some((b) => b?.startsWith("💸 Your daily budget of $0.001 is spent")));
  await ask(admin5, `/budget ${user5} 0.002`);
  await eventually(async () => bodies(await sentTo(user5)).includes("echo: two"));
  // $0.002 spent: the raised cap is reached too, and the user hears of it (the new limit, not the old notice again).
  await sendInbound(user5, "three");
  await sendInbound(user5, "four");
  await eventually(async () => bodies(await sentTo(user5)).some((b) => b?.startsWith("💸 Your daily budget of $0.002 is spent")));
  await eventually(async () => (await query(user5, "SELECT id FROM messages WHERE status = 'queued'")).length === 2);
  expect(bodies(await sentTo(user5)).filter((b) => b?.startsWith("💸"))).toHaveLength(2);
});
