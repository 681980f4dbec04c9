// A send in flight, over a real SQLite, through the real clients to the Twilio and Bot API
// emulators (in-process): the one write before the call, a send taken whose answer was lost found
// in Twilio's list, a list that cannot be read (fail closed, then sent unchecked after the bound),
// and Telegram, which keeps no list (a reply sent again, a passing notice given up).
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startTwilioEmulator, type RunningEmulator } from "../../emulator/server";
import { startTelegramEmulator, type RunningTelegramEmulator } from "../../emulator/telegram/server";
import { channelClientsFor } from "../../src/channels/clients";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { whatsappChannelClient } from "../../src/channels/whatsapp/channel-client";
import { LOOKUP_GIVE_UP_MS } from "../../src/outbox/outbox-channel-send";
import { outboxKeys } from "../../src/outbox/outbox-keys";
import { createOutbox } from "../../src/outbox/outbox-unit";
import { ACCOUNT_SID, AUTH_TOKEN, SANDBOX_FROM } from "../emulator/helpers";
import { frozenClock, noLog, setNow, useUnitDb } from "./helpers/unit-db";

const PHONE = "+15550002101";
const TOKEN = "123456:UNIT-token-for-the-in-flight-tests";
const t = useUnitDb();
let twilio: RunningEmulator;
let telegram: RunningTelegramEmulator;
// Twilio dates what it takes by the real clock: the outbox's present is the real one here too.
let now = Date.now();

beforeAll(async () => {
  twilio = await startTwilioEmulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false });
  telegram = await startTelegramEmulator({ port: 0, token: TOKEN });
});
afterAll(async () => {
  await twilio?.close();
  await telegram?.close();
});
beforeEach(async () => {
  await fetch(`${twilio.url}/__emulator/reset`, { method: "POST" });
  now = setNow(Date.now());
  t.repos.messages.insert({ id: "SMin1", body: "hi", media: [], conversationId: 1, now });
});

type Logged = { event: string; fields: Record<string, unknown> };

/** The outbox over WhatsApp; `fetchFn` sits between the Twilio client and the emulator (a lost answer, a list that fails). */
function whatsappOutbox(fetchFn: typeof fetch, logged: Logged[] = []) {
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SANDBOX_FROM, apiBase: twilio.url, messagingApiBase: twilio.url }, fetchFn, frozenClock);
  const whatsapp = whatsappChannelClient({ twilio: client, quickReply: null, templateSid: null, origin: () => null, clock: frozenClock, log: noLog });
  const { repos } = t;
  const log = (event: string, fields: Record<string, unknown> = {}) => logged.push({ event, fields });
  return createOutbox({ repo: repos.outbox, settings: repos.settings, messages: repos.messages, user: PHONE, channels: { whatsapp }, files: null, clock: frozenClock, log, random: () => 0.5 });
}
const sentBodies = async (): Promise<string[]> =>
  ((await (await fetch(`${twilio.url}/__emulator/messages?to=whatsapp:${PHONE}`)).json()) as { messages: { body: string }[] }).messages.map((m) => m.body);
type Row = { status: string; attempts: number; error_code: string | null; sent_ref: string | null; send_started_at: number | null; next_attempt_at: number };
const rows = () => t.rows<Row>("SELECT status, attempts, error_code, sent_ref, send_started_at, next_attempt_at FROM outbox ORDER BY id");

/** The creates pass to Twilio, and their answers are lost (the connection dropped after Twilio took them). */
const answersLost: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (init?.method === "POST") {
    await res.body?.cancel();
    throw new TypeError("fetch failed: the connection was reset");
  }
  return res;
};

it("writes the row once before the call, and once with its outcome", async () => {
  const statuses: string[] = [];
  const outbox = whatsappOutbox(async (input, init) => {
    statuses.push(...t.rows<{ started: number | null }>("SELECT send_started_at AS started FROM outbox").map((r) => (r.started === null ? "not marked" : "in flight")));
    return fetch(input, init);
  });
  outbox.add({ dedupeKey: "a", body: "the reply", now });
  await outbox.sendDue(now);
  expect(statuses).toEqual(["in flight"]);
  expect(rows()).toMatchObject([{ status: "sent", attempts: 1, send_started_at: null }]);
});

it("a reply Twilio took whose answer was lost is found in its list, and never sent again", async () => {
  const logged: Logged[] = [];
  whatsappOutbox(answersLost).add({ dedupeKey: "a", body: "the reply", now });
  await whatsappOutbox(answersLost).sendDue(now);
  expect(rows()).toMatchObject([{ status: "pending", attempts: 1, error_code: "network", send_started_at: now }]);
  const [row] = rows();
  await whatsappOutbox((input, init) => fetch(input, init), logged).sendDue(setNow(row!.next_attempt_at));
  expect(await sentBodies()).toEqual(["the reply"]);
  expect(rows()).toMatchObject([{ status: "sent", sent_ref: expect.stringMatching(/^SM/), send_started_at: null }]);
  expect(logged.map((l) => l.event)).toContain("outbox_in_flight_found");
});

it("a list that cannot be read is asked again, never sent blindly; after the bound it is sent unchecked, once", async () => {
  const logged: Logged[] = [];
  const listFails: typeof fetch = async (input, init) => (init?.method === "GET" ? new Response("{}", { status: 503 }) : fetch(input, init));
  const outbox = whatsappOutbox(listFails, logged);
  outbox.add({ dedupeKey: "a", body: "the reply", now });
  // As an instance that wrote the mark and died before its request left.
  t.sql`UPDATE outbox SET send_started_at = ${now}`;
  await outbox.sendDue(now);
  expect(await sentBodies()).toEqual([]);
  const [waiting] = rows();
  expect(waiting).toMatchObject({ status: "pending", error_code: "lookup_http_503", send_started_at: now });
  // Seconds apart while the user's window is open, as a send's retry would be.
  expect(waiting!.next_attempt_at - now).toBeLessThanOrEqual(10_000);
  await outbox.sendDue(setNow(now + LOOKUP_GIVE_UP_MS - 1));
  expect(await sentBodies()).toEqual([]);
  const [last] = rows();
  expect(last!.next_attempt_at).toBeGreaterThanOrEqual(now + LOOKUP_GIVE_UP_MS);
  await outbox.sendDue(setNow(last!.next_attempt_at));
  expect(await sentBodies()).toEqual(["the reply"]);
  expect(rows()).toMatchObject([{ status: "sent" }]);
  expect(logged.filter((l) => l.event === "outbox_resent_unverified").map((l) => l.fields.reason)).toEqual(["lookup_failed"]);
});

it("Telegram keeps no list: a reply in flight is sent again (at least once, logged), a passing notice is given up", async () => {
  const chat = "9101";
  // The Bot API stand-in knows the user's chat (as it would once they wrote to the bot).
  await fetch(`${telegram.url}/__telegram/users/${chat}/block`, { method: "POST", body: JSON.stringify({ blocked: false }) });
  const logged: Logged[] = [];
  const { repos } = t;
  const outbox = createOutbox({
    repo: repos.outbox, settings: repos.settings, messages: repos.messages, user: PHONE, files: null, clock: frozenClock, random: () => 0.5,
    log: (event, fields = {}) => logged.push({ event, fields }),
    channels: channelClientsFor({ telegram: { token: TOKEN, apiBase: telegram.url } }),
  });
  const to = { channel: "telegram" as const, chat };
  outbox.add({ dedupeKey: outboxKeys.ack("r1"), body: "Got it", to, now });
  outbox.add({ dedupeKey: "reply", body: "the reply", to, now });
  t.sql`UPDATE outbox SET send_started_at = ${now}`;
  await outbox.sendDue(now);
  const calls = telegram.context.calls.filter((c) => String(c.params.chat_id) === chat);
  expect(calls.map((c) => c.params.text)).toEqual(["the reply"]);
  expect(t.rows<{ status: string }>("SELECT status FROM outbox ORDER BY id")).toEqual([{ status: "sent" }, { status: "sent" }]);
  expect(logged.map((l) => l.event).filter((e) => e.startsWith("outbox_"))).toEqual(["outbox_in_flight_given_up", "outbox_resent_unverified"]);
});
