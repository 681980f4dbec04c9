// An admin told in their own chat by their own object, once per key: a Telegram admin found
// through the directory and written to in their private chat with the bot; an admin's object
// that does not answer is logged after one bounded attempt, never tried again.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { chatStoppedAdminNotice } from "../../src/admin/admin-notice";
import { adminNoticeDepsFor, tellAdmin } from "../../src/admin/notify-admin";
import { eventually, query, stubFor } from "../worker/helpers";
import { chatOf } from "./helpers";
import { TEST_TELEGRAM_ADMIN } from "./telegram-env";

type Logged = { event: string; fields: Record<string, unknown> };
const logger = () => {
  const lines: Logged[] = [];
  return { lines, log: (event: string, fields: Record<string, unknown> = {}) => void lines.push({ event, fields }) };
};
const stop = { user: "+15550000290", channel: "telegram" as const, chat: "7090", stoppedAt: 1_800_000_000_000, body: "📵 +15550000290's Telegram chat no longer takes messages (blocked)." };

it("no phone admin: the first Telegram admin's object queues it once and sends it to their private chat", async () => {
  await fetch(`${env.TELEGRAM_API_BASE!}/__telegram/users/${TEST_TELEGRAM_ADMIN}/block`, { method: "POST", body: JSON.stringify({ blocked: false }) });
  const configured = { adminSenders: new Set<string>(), adminTelegramUsers: new Set([TEST_TELEGRAM_ADMIN]) };
  const { lines, log } = logger();
  const deps = adminNoticeDepsFor(env, configured, { name: stop.user, agent: stubFor(stop.user) }, log);
  await tellAdmin(deps, (admin) => chatStoppedAdminNotice(admin, stop));
  // The same stop told again (a second call) is the same key: nothing more is queued.
  await tellAdmin(deps, (admin) => chatStoppedAdminNotice(admin, stop));
  expect(lines.map((l) => [l.event, l.fields.queued])).toEqual([["admin_notice_queued", true], ["admin_notice_queued", false]]);
  const shown = await eventually(async () => {
    const got = (await chatOf(TEST_TELEGRAM_ADMIN)).messages.filter((m) => m.direction === "bot" && m.text?.startsWith("📵 +15550000290"));
    return got.length > 0 && got;
  });
  expect(shown.map((m) => m.text)).toEqual([stop.body]);
  expect(await query(`tg-${TEST_TELEGRAM_ADMIN}`, "SELECT channel, chat FROM outbox WHERE dedupe_key LIKE 'admin:chat-stopped:%'")).toEqual([{ channel: "telegram", chat: TEST_TELEGRAM_ADMIN }]);
});

it("an admin's object that does not answer is logged after one bounded attempt, and not tried again", async () => {
  let calls = 0;
  const { lines, log } = logger();
  const silent = { queueAdminNotice: () => (calls++, new Promise<{ queued: boolean }>(() => {})) };
  const deps = { configured: { adminSenders: new Set(["+15550000100"]) }, agent: () => silent, homeOf: async () => "unused", log, timeoutMs: 50 };
  await tellAdmin(deps, (admin) => chatStoppedAdminNotice(admin, stop));
  expect(calls).toBe(1);
  expect(lines).toEqual([{ event: "admin_notice_unsent", fields: { key: `admin:chat-stopped:${stop.user}:telegram:${stop.chat}:${stop.stoppedAt}`, reason: "unanswered", error: "no answer within 50 ms" } }]);
  // One that throws (the directory unreachable) is logged the same way.
  const unreachable = { ...deps, configured: { adminSenders: new Set<string>(), adminTelegramUsers: new Set(["42"]) }, homeOf: async () => { throw new Error("directory down"); } };
  await tellAdmin(unreachable, (admin) => chatStoppedAdminNotice(admin, stop));
  expect(lines.at(-1)).toMatchObject({ event: "admin_notice_unsent", fields: { reason: "unanswered", error: "directory down" } });
  expect(calls).toBe(1);
});

it("no admin configured: nothing is called, and the log says why", async () => {
  const { lines, log } = logger();
  await tellAdmin({ configured: { adminSenders: new Set() }, agent: () => { throw new Error("not to be called"); }, homeOf: async () => "x", log }, (admin) => chatStoppedAdminNotice(admin, stop));
  expect(lines).toEqual([{ event: "admin_notice_unsent", fields: { reason: "no_admin" } }]);
});
