// The outbox unit over a real SQLite, sending through the project's Twilio client to the Twilio
// emulator (in-process, on a free port): order, retries, permanent failures, the 24-hour window,
// and status callbacks, including one that arrives before Twilio's answer to the send.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTwilioEmulator, type RunningEmulator } from "../../emulator/server";
import { outboxKeys } from "../../src/outbox/outbox-keys";
import { OUTBOX_MAX_RETRY_MS } from "../../src/channels/send-retry";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { whatsappChannelClient } from "../../src/channels/whatsapp/channel-client";
import { createOutbox, type OutboxDeps } from "../../src/outbox/outbox-unit";
import { ACCOUNT_SID, AUTH_TOKEN, SANDBOX_FROM } from "../emulator/helpers";
import { frozenClock, HOUR, noLog, setNow, T0, useUnitDb } from "./helpers/unit-db";

const PHONE = "+15550002001";
const TEMPLATE_SID = `HX${"7e".repeat(16)}`;
const t = useUnitDb();
let emulator: RunningEmulator;

beforeAll(async () => {
  const template = { sid: TEMPLATE_SID, approved: true, language: "en", types: { "twilio/text": { body: "You have {{1}}. Reply to see it." } } };
  emulator = await startTwilioEmulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false, contents: [template] });
});
afterAll(() => emulator?.close());
beforeEach(async () => {
  await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" });
  // The user wrote just now: WhatsApp's window is open.
  t.repos.messages.insert({ id: "SMin1", body: "hi", media: [], conversationId: 1, now: T0 });
});

/** The outbox with WhatsApp's client over the emulator; `twilio: null`: no account configured (no client). */
function outboxWith(o: Partial<OutboxDeps> & { fetchFn?: typeof fetch; twilio?: null; templateSid?: string | null; publicUrl?: string | null } = {}) {
  const { fetchFn, twilio: noAccount, templateSid = null, publicUrl = null, ...deps } = o;
  const clock = deps.clock ?? frozenClock;
  const twilio = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SANDBOX_FROM, apiBase: emulator.url, messagingApiBase: emulator.url }, fetchFn, clock);
  const whatsapp = whatsappChannelClient({ twilio, quickReply: null, templateSid, origin: () => publicUrl, clock, log: noLog });
  const { repos } = t;
  return createOutbox({ repo: repos.outbox, settings: repos.settings, messages: repos.messages, user: PHONE, channels: noAccount === null ? {} : { whatsapp }, files: null, clock: frozenClock, log: noLog, ...deps });
}
type Sent = { sid: string; body: string; contentSid: string | null; statusCallback: string | null; status: string };
const sent = async (): Promise<Sent[]> => ((await (await fetch(`${emulator.url}/__emulator/messages?to=whatsapp:${PHONE}`)).json()) as { messages: Sent[] }).messages;
const fault = (status: 429 | 503, count: number) =>
  fetch(`${emulator.url}/__emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: `whatsapp:${PHONE}`, status, count }) });
type Row = { dedupe_key: string; body: string; status: string; attempts: number; held: number; error_code: string | null; next_attempt_at: number };
const rows = () => t.rows<Row>("SELECT dedupe_key, body, status, attempts, held, error_code, next_attempt_at FROM outbox ORDER BY id");

describe("nextDueAt and sendDue", () => {
  it("is due when its head is, and sends everything due in order", async () => {
    const outbox = outboxWith();
    expect(outbox.nextDueAt()).toBeNull();
    outbox.add({ dedupeKey: "a", body: "first", now: T0, notBefore: T0 + 5_000 });
    outbox.add({ dedupeKey: "b", body: "second", now: T0 });
    // The head blocks what is behind it, even what could go sooner.
    expect(outbox.nextDueAt()).toBe(T0 + 5_000);
    await outbox.sendDue(T0);
    expect(await sent()).toEqual([]);
    await outbox.sendDue(setNow(T0 + 5_000));
    expect((await sent()).map((m) => m.body)).toEqual(["first", "second"]);
    expect(rows().map((r) => [r.status, r.attempts])).toEqual([["sent", 1], ["sent", 1]]);
    expect(outbox.nextDueAt()).toBeNull();
  });

  it.each([
    { fault: 503 as const, code: "20500" },
    { fault: 429 as const, code: "20429" },
  ])("a transient $fault is retried after a backoff, and what is behind it waits", async ({ fault: status, code }) => {
    const outbox = outboxWith();
    await fault(status, 1);
    outbox.add({ dedupeKey: "a", body: "reply", now: T0 });
    outbox.add({ dedupeKey: "b", body: "later", now: T0 });
    await outbox.sendDue(T0);
    const [head, second] = rows();
    expect(head).toMatchObject({ status: "pending", attempts: 1, error_code: code });
    expect(second).toMatchObject({ status: "pending", attempts: 0 });
    expect(head!.next_attempt_at).toBeGreaterThan(T0);
    expect(head!.next_attempt_at).toBeLessThanOrEqual(T0 + OUTBOX_MAX_RETRY_MS * 1.2);
    expect(outbox.nextDueAt()).toBe(head!.next_attempt_at);
    await outbox.sendDue(setNow(head!.next_attempt_at));
    expect((await sent()).map((m) => m.body)).toEqual(["reply", "later"]);
    expect(rows().map((r) => [r.status, r.attempts])).toEqual([["sent", 2], ["sent", 1]]);
  });

  it("a permanent refusal fails the message and tells the user once; the next one still goes", async () => {
    const outbox = outboxWith();
    outbox.add({ dedupeKey: "a", body: "x".repeat(1601), now: T0 });
    outbox.add({ dedupeKey: "b", body: "after", now: T0 });
    await outbox.sendDue(T0);
    expect(rows().map((r) => [r.dedupe_key, r.status, r.error_code])).toEqual([
      ["a", "failed", "21617"],
      ["b", "sent", null],
      [expect.stringMatching(/^undelivered:/), "sent", null],
    ]);
    expect((await sent()).map((m) => m.body)).toEqual(["after", expect.stringContaining("⚠️")]);
  });

  it("without Twilio credentials a message fails as not configured, and nothing is sent", async () => {
    const outbox = outboxWith({ twilio: null });
    outbox.add({ dedupeKey: "a", body: "reply", now: T0 });
    await outbox.sendDue(T0);
    expect(rows()).toEqual([expect.objectContaining({ status: "failed", error_code: "not_configured", attempts: 0 })]);
    expect(outbox.nextDueAt()).toBeNull();
  });
});

describe("the 24-hour window", () => {
  it.each([
    { templateSid: null, expected: [] },
    { templateSid: TEMPLATE_SID, expected: [TEMPLATE_SID] },
  ])("outside it a reply is held (template: $templateSid), and goes when the user writes", async ({ templateSid, expected }) => {
    const outbox = outboxWith({ templateSid });
    const now = setNow(T0 + 25 * HOUR);
    outbox.add({ dedupeKey: "a", body: "a result", now });
    await outbox.sendDue(now);
    expect(rows()[0]).toMatchObject({ status: "pending", held: 1 });
    expect((await sent()).map((m) => m.contentSid)).toEqual(expected);
    // Once per silence: a second held reply announces nothing more.
    outbox.add({ dedupeKey: "b", body: "another", now });
    await outbox.sendDue(now);
    expect(await sent()).toHaveLength(expected.length);
    expect(outbox.countHeld()).toBe(2);

    t.repos.messages.insert({ id: "SMin2", body: "back", media: [], conversationId: 1, now });
    // What the inbox does when a message is stored: the repository releases what was held.
    t.repos.outbox.releaseHeld(now);
    await outbox.sendDue(now);
    expect((await sent()).slice(expected.length).map((m) => m.body)).toEqual(["a result", "another"]);
    expect(outbox.countHeld()).toBe(0);
  });
});

describe("the 24-hour window of a user who also writes on Telegram", () => {
  it("counts from their last WhatsApp message: a later Telegram one opens nothing, and the template's once-per-silence key is that WhatsApp message's", async () => {
    const outbox = outboxWith({ templateSid: TEMPLATE_SID });
    const now = setNow(T0 + 25 * HOUR);
    t.repos.messages.insert({ id: "tg-1", body: "from Telegram", media: [], conversationId: 1, source: { channel: "telegram", chat: "7001" }, now: now - HOUR });
    outbox.add({ dedupeKey: "a", body: "a result", to: { channel: "whatsapp", chat: null }, now });
    await outbox.sendDue(now);
    expect(rows().find((r) => r.dedupe_key === "a")).toMatchObject({ status: "pending", held: 1 });
    expect(rows().map((r) => r.dedupe_key)).toContain(outboxKeys.template(T0));
    expect((await sent()).map((m) => m.contentSid)).toEqual([TEMPLATE_SID]);

    t.repos.messages.insert({ id: "SMin2", body: "back", media: [], conversationId: 1, now });
    expect(t.repos.messages.lastInboundAtOn("whatsapp")).toBe(now);
    expect(t.repos.messages.lastInboundAtOn("telegram")).toBe(now - HOUR);
    t.repos.outbox.releaseHeld(now);
    await outbox.sendDue(now);
    expect((await sent()).at(-1)?.body).toBe("a result");
  });
});

describe("applyStatus", () => {
  /** Two replies sent, "ping" then "pong" (rows 1 and 2), as Twilio holds them. */
  const twoSent = async (outbox: ReturnType<typeof outboxWith>) => {
    outbox.add({ dedupeKey: "a", body: "ping", now: T0 });
    outbox.add({ dedupeKey: "b", body: "pong", now: T0 });
    await outbox.sendDue(T0);
    return sent();
  };

  it("moves a row forward, never back, keeps Twilio's error, and resends what a window or capacity failure lost", async () => {
    const outbox = outboxWith();
    const [a, b] = await twoSent(outbox);
    const status = (sid: string, s: "delivered" | "read" | "failed", errorCode: string | null = null) => outbox.applyStatus({ messageSid: sid, status: s, errorCode }, T0);
    expect([status(a!.sid, "read"), status(a!.sid, "delivered")]).toEqual([false, false]);
    expect(rows()[0]!.status).toBe("read");
    // 63016: a copy is held for the user's next message; 30001 (queue overflow): sent again later.
    expect(status(a!.sid, "failed", "63016")).toBe(true);
    expect(status(b!.sid, "failed", "30001")).toBe(true);
    expect(status(b!.sid, "failed", "30001")).toBe(false);
    expect(rows().slice(2)).toEqual([
      expect.objectContaining({ dedupe_key: `resend:${a!.sid}`, body: "ping", held: 1 }),
      expect.objectContaining({ dedupe_key: `resend:${b!.sid}`, body: "pong", held: 0, attempts: 1, next_attempt_at: expect.any(Number) }),
    ]);
    expect(rows()[3]!.next_attempt_at).toBeGreaterThan(T0);
  });

  it("asks Twilio for status callbacks on replies, not on the acknowledgement or a progress update", async () => {
    const outbox = outboxWith({ publicUrl: "https://relay.example" });
    outbox.add({ dedupeKey: outboxKeys.ack("run-1"), body: "Got it, I'll process this next.", now: T0 });
    outbox.add({ dedupeKey: outboxKeys.progress("run-1", 1), body: "Still working (4 min)", now: T0 });
    outbox.add({ dedupeKey: outboxKeys.reply("vm-1", 3, 0), body: "the answer", now: T0 });
    await outbox.sendDue(T0);
    expect((await sent()).map((m) => [m.body, m.statusCallback])).toEqual([
      ["Got it, I'll process this next.", null],
      ["Still working (4 min)", null],
      // The callback's URL names the row (its id), which the status route finds it by.
      ["the answer", "https://relay.example/twilio/status?o=3"],
    ]);
    expect(rows().map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("a callback naming its row that comes before Twilio's answer settles the row in flight; the answer then writes nothing", async () => {
    let written = -1;
    const outbox: ReturnType<typeof outboxWith> = outboxWith({
      fetchFn: async (input, init) => {
        const res = await fetch(input, init);
        const body = (await res.json()) as { sid: string };
        // Delivered before the 201 is read: the row, in flight with no sid yet, takes this one.
        // True: the row moved on, so what waits behind it is due (the object replans).
        expect(outbox.applyStatus({ messageSid: body.sid, status: "delivered", errorCode: null, outboxId: 1 }, T0)).toBe(true);
        written = t.rows<{ n: number }>("SELECT total_changes() AS n")[0]!.n;
        return Response.json(body, { status: res.status });
      },
    });
    outbox.add({ dedupeKey: "reply-1", body: "the answer", now: T0 });
    await outbox.sendDue(T0);
    const [{ sid }] = (await sent()) as [Sent];
    expect(t.rows("SELECT status, attempts, sent_ref, send_started_at FROM outbox")).toEqual([{ status: "delivered", attempts: 1, sent_ref: sid, send_started_at: null }]);
    // The 201 that followed found the row settled: nothing written, no status moved back.
    expect(t.rows<{ n: number }>("SELECT total_changes() AS n")[0]!.n).toBe(written);
  });

  it("a callback naming its row settles a send whose answer was lost: the row is not sent again", async () => {
    const outbox = outboxWith({
      fetchFn: async (input, init) => {
        await fetch(input, init);
        throw new TypeError("network connection lost");
      },
    });
    outbox.add({ dedupeKey: "reply-1", body: "the answer", now: T0 });
    outbox.add({ dedupeKey: "reply-2", body: "and more", now: T0 });
    await outbox.sendDue(T0);
    expect(rows()[0]).toMatchObject({ status: "pending", attempts: 1 });
    // In flight, looked up at its retry: the message behind it waits until then.
    expect(outbox.nextDueAt()).toBeGreaterThan(T0);
    const [{ sid }] = (await sent()) as [Sent];
    // True: the head moved on, so what waits behind it is due now (the object replans).
    expect(outbox.applyStatus({ messageSid: sid, status: "sent", errorCode: null, outboxId: 1 }, T0)).toBe(true);
    expect(t.rows("SELECT status, attempts, sent_ref, send_started_at FROM outbox WHERE id = 1")).toEqual([{ status: "sent", attempts: 1, sent_ref: sid, send_started_at: null }]);
    expect(outbox.nextDueAt()).toBe(T0);
  });

  it("a callback naming a row sent as another SID, or no row, changes nothing; one naming none finds its row by SID", async () => {
    const outbox = outboxWith();
    const [a, b] = await twoSent(outbox);
    const before = t.rows("SELECT * FROM outbox ORDER BY id");
    expect(outbox.applyStatus({ messageSid: b!.sid, status: "failed", errorCode: "30001", outboxId: 1 }, T0)).toBe(false);
    expect(outbox.applyStatus({ messageSid: a!.sid, status: "read", errorCode: null, outboxId: 99 }, T0)).toBe(false);
    expect(t.rows("SELECT * FROM outbox ORDER BY id")).toEqual(before);
    outbox.applyStatus({ messageSid: a!.sid, status: "read", errorCode: null, outboxId: 1 }, T0);
    outbox.applyStatus({ messageSid: b!.sid, status: "delivered", errorCode: null }, T0);
    expect(rows().map((r) => r.status)).toEqual(["read", "delivered"]);
  });

  it("a callback naming no row that comes before Twilio's answer to the send is applied once the SID is stored", async () => {
    // Twilio's REST API as the emulator answers it, with the message's failure reported in between.
    const outbox: ReturnType<typeof outboxWith> = outboxWith({
      fetchFn: async (input, init) => {
        const res = await fetch(input, init);
        const body = (await res.json()) as { sid: string };
        expect(outbox.applyStatus({ messageSid: body.sid, status: "failed", errorCode: "63016" }, T0)).toBe(false);
        return Response.json(body, { status: res.status });
      },
    });
    outbox.add({ dedupeKey: "reply-1", body: "the answer", now: T0 });
    await outbox.sendDue(T0);
    const [{ sid }] = (await sent()) as [Sent];
    expect(rows().map((r) => [r.dedupe_key, r.status, r.held, r.error_code])).toEqual([
      ["reply-1", "failed", 0, "63016"],
      [`resend:${sid}`, "pending", 1, null],
    ]);
  });
});

describe("one clock", () => {
  it.each([
    { name: "a step at the clock's time", now: T0 },
    { name: "an alarm's step ahead of the clock", now: T0 + 60_000 },
  ])("$name: a send that takes 15 s dates its outcome, and counts its backoff, from its answer", async ({ now }) => {
    let real = T0;
    const outbox = outboxWith({ clock: () => real, fetchFn: async (input, init) => ((real += 15_000), fetch(input, init)) });
    await fault(503, 1);
    outbox.add({ dedupeKey: "a", body: "reply", now: T0 });
    await outbox.sendDue(now);
    const [head] = t.rows<{ updated_at: number; next_attempt_at: number }>("SELECT updated_at, next_attempt_at FROM outbox");
    expect(head!.updated_at).toBe(now + 15_000);
    expect(head!.next_attempt_at).toBeGreaterThan(now + 15_000);
    expect(head!.next_attempt_at).toBeLessThanOrEqual(now + 15_000 + OUTBOX_MAX_RETRY_MS * 1.2);
  });
});

describe("progress updates", () => {
  it("are numbered per run, and those not yet sent are dropped when the run answers", async () => {
    const outbox = outboxWith();
    outbox.addProgress("run-1", "Still working (2 min)", T0);
    await outbox.sendDue(T0);
    outbox.addProgress("run-1", "Still working (4 min)", T0);
    outbox.addProgress("run-2", "Still working (2 min)", T0);
    outbox.dropUnsentProgress("run-1");
    expect(rows().map((r) => [r.dedupe_key, r.status])).toEqual([
      ["progress:run-1:1", "sent"],
      ["progress:run-2:1", "pending"],
    ]);
  });
});

describe("the user's wishes and the typing indicator", () => {
  it.each([
    [null, true],
    ["off", false],
  ])("progress setting %s: updates wanted %s", (setting, wanted) => {
    t.repos.settings.set("progress_updates", setting);
    expect(outboxWith().wantsProgress()).toBe(wanted);
  });

  it("shows typing on the user's last message, and does nothing without Twilio", async () => {
    const last = `SM${"a".repeat(32)}`;
    t.repos.messages.insert({ id: last, body: "and this", media: [], conversationId: 1, now: T0 + 1 });
    await outboxWith({ twilio: null }).sendTyping();
    await outboxWith().sendTyping();
    const typing = (await (await fetch(`${emulator.url}/__emulator/typing`)).json()) as { requests: { messageId: string }[] };
    expect(typing.requests.map((r) => r.messageId)).toEqual([last]);
  });
});
