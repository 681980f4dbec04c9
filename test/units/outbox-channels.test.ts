// The outbox unit's rows for another channel than WhatsApp, over a real SQLite, sent through the
// real Telegram client to the Bot API stand-in (in-process, on a free port): the chat's pace, an
// update edited in place or sent anew when its message is gone, and a blocked chat stopped once.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startTelegramEmulator, type RunningTelegramEmulator } from "../../emulator/telegram/server";
import { channelClientsFor } from "../../src/channels/clients";
import type { ChatAddress } from "../../src/channels/channel";
import { outboxKeys } from "../../src/outbox/outbox-keys";
import { createOutbox } from "../../src/outbox/outbox-unit";
import { frozenClock, noLog, setNow, T0, useUnitDb } from "./helpers/unit-db";

const TOKEN = "123456:UNIT-token-for-the-outbox-channel-tests";
const t = useUnitDb();
let telegram: RunningTelegramEmulator;
let chatId = 8000;
let chat: string;

beforeAll(async () => {
  telegram = await startTelegramEmulator({ port: 0, token: TOKEN });
});
afterAll(() => telegram?.close());
beforeEach(async () => {
  chat = String(++chatId);
  await fetch(`${telegram.url}/__telegram/users/${chat}/block`, { method: "POST", body: JSON.stringify({ blocked: false }) });
});

function outboxWith(stopped: ChatAddress[] = []) {
  const { repos } = t;
  return createOutbox({
    repo: repos.outbox, settings: repos.settings, messages: repos.messages, user: "+15550002001", files: null,
    clock: frozenClock, log: noLog, random: () => 0.5,
    channels: channelClientsFor({ telegram: { token: TOKEN, apiBase: telegram.url } }),
    stops: repos.stoppedChats,
    chatStopped: (to) => stopped.push(to),
  });
}
const to = () => ({ channel: "telegram" as const, chat });
const calls = () => telegram.context.calls.filter((c) => String(c.params.chat_id) === chat);
type Row = { dedupe_key: string; status: string; error_code: string | null; next_attempt_at: number; sent_ref: string | null };
const rows = () => t.rows<Row>("SELECT dedupe_key, status, error_code, next_attempt_at, sent_ref FROM outbox WHERE chat = ? ORDER BY id", chat);

it("keeps one message a second to a chat: the next waits without an attempt counted", async () => {
  const outbox = outboxWith();
  outbox.add({ dedupeKey: "a", body: "first", to: to(), now: T0 });
  outbox.add({ dedupeKey: "b", body: "second", to: to(), now: T0 });
  await outbox.sendDue(setNow(T0));
  expect(rows().map((r) => [r.dedupe_key, r.status])).toEqual([["a", "sent"], ["b", "pending"]]);
  expect(outbox.nextDueAt()).toBe(T0 + 1_000);
  await outbox.sendDue(setNow(T0 + 1_000));
  expect(calls().map((c) => c.params.text)).toEqual(["first", "second"]);
  expect(t.rows<{ attempts: number }>("SELECT attempts FROM outbox WHERE chat = ?", chat)).toEqual([{ attempts: 1 }, { attempts: 1 }]);
});

it("is never held by WhatsApp's 24-hour window: the user's WhatsApp message a day old, a Telegram row still goes", async () => {
  const outbox = outboxWith();
  t.repos.messages.insert({ id: "SMold", body: "hi", media: [], conversationId: 1, now: T0 - 25 * 3600_000 });
  outbox.add({ dedupeKey: "a", body: "on Telegram", to: to(), now: T0 });
  await outbox.sendDue(setNow(T0));
  expect(t.rows<{ status: string; held: number }>("SELECT status, held FROM outbox WHERE chat = ?", chat)).toEqual([{ status: "sent", held: 0 }]);
});

it("edits the run's first update in place, and sends an update anew when that message is gone", async () => {
  const outbox = outboxWith();
  t.repos.outbox.add({ dedupeKey: outboxKeys.progress("r1", 1), body: "Still working (1 min).", to: to(), now: T0 });
  t.repos.outbox.add({ dedupeKey: outboxKeys.progress("r1", 2), body: "Still working (2 min).", to: to(), now: T0 });
  await outbox.sendDue(setNow(T0));
  await outbox.sendDue(setNow(T0 + 1_000));
  expect(calls().map((c) => c.method)).toEqual(["sendMessage", "editMessageText"]);
  const [first, second] = rows();
  expect(second!.sent_ref).toBe(first!.sent_ref);

  t.repos.outbox.add({ dedupeKey: outboxKeys.progress("r2", 1), body: "Still working (1 min).", to: to(), now: T0 });
  await outbox.sendDue(setNow(T0 + 2_000));
  // The user deleted that message: its id no longer edits anything.
  t.sql`UPDATE outbox SET sent_ref = '999999' WHERE dedupe_key = ${outboxKeys.progress("r2", 1)}`;
  t.repos.outbox.add({ dedupeKey: outboxKeys.progress("r2", 2), body: "Still working (2 min).", to: to(), now: T0 });
  await outbox.sendDue(setNow(T0 + 3_000));
  expect(calls().slice(2).map((c) => c.method)).toEqual(["sendMessage", "editMessageText", "sendMessage"]);
  expect(rows().at(-1)).toMatchObject({ status: "sent" });
});

it("stops a chat that blocked the bot once: what waits for it fails, later rows are not tried, the admin is told once", async () => {
  const stopped: ChatAddress[] = [];
  const outbox = outboxWith(stopped);
  await fetch(`${telegram.url}/__telegram/users/${chat}/block`, { method: "POST", body: JSON.stringify({ blocked: true }) });
  outbox.add({ dedupeKey: "a", body: "first", to: to(), now: T0 });
  outbox.add({ dedupeKey: "b", body: "second", to: to(), now: T0 });
  outbox.add({ dedupeKey: "w", body: "to WhatsApp", to: { channel: "whatsapp", chat: null }, now: T0 });
  await outbox.sendDue(setNow(T0));
  expect(rows().map((r) => [r.dedupe_key, r.status, r.error_code])).toEqual([["a", "failed", "telegram:403"], ["b", "failed", "chat_stopped"]]);
  outbox.add({ dedupeKey: "c", body: "later", to: to(), now: T0 + 5_000 });
  await outbox.sendDue(setNow(T0 + 5_000));
  expect(rows().at(-1)).toMatchObject({ dedupe_key: "c", status: "failed", error_code: "chat_stopped" });
  expect(calls()).toHaveLength(1);
  expect(stopped).toEqual([to()]);
  expect(t.rows("SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'undelivered:%'")).toEqual([]);
  // The WhatsApp row is not this chat's: it went its own way (held for WhatsApp's window, as the user never wrote there).
  expect(t.rows("SELECT status, held, error_code FROM outbox WHERE dedupe_key = 'w'")).toEqual([{ status: "pending", held: 1, error_code: null }]);
});

it("a reply the channel refuses for good is said to be lost in that chat, naming that channel's service, not Twilio", async () => {
  const outbox = outboxWith();
  // Over Telegram's 4,096 characters: the Bot API answers 400, a refusal no retry mends.
  outbox.add({ dedupeKey: "a", body: "x".repeat(5_000), to: to(), now: T0 });
  await outbox.sendDue(setNow(T0));
  await outbox.sendDue(setNow(T0 + 1_000));
  const notice = t.rows<{ body: string; status: string }>("SELECT body, status FROM outbox WHERE chat = ? AND dedupe_key LIKE 'undelivered:%'", chat);
  expect(notice).toEqual([{ body: expect.stringMatching(/^⚠️ One of my replies could not be delivered \(Telegram error [^)]+\)\. Ask again if you need it\.$/), status: "sent" }]);
});
