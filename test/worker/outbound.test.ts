import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bodies, eventually, postSigned, sendInbound, sentTo, stubFor, twilioFaults } from "./helpers";

type OutboxRow = { id: number; status: string; attempts: number; sent_ref: string | null; error_code: string | null; body: string; next_attempt_at: number; updated_at: number };
const outboxOf = (phone: string) =>
  runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<OutboxRow>("SELECT * FROM outbox ORDER BY id").toArray());

describe("the outbox", () => {
  it("retries a reply that Twilio answered 503 and sends it once", async () => {
    const phone = "+15550000116";
    await twilioFaults({ to: `whatsapp:${phone}`, status: 503, count: 1 });
    await sendInbound(phone, "status?");
    const waiting = await eventually(async () => {
      const rows = await outboxOf(phone);
      return rows[0]?.status === "pending" && rows[0]?.error_code === "20500" && rows[0];
    });
    expect(waiting.status).toBe("pending");
    expect(waiting.attempts).toBe(1);
    await runDurableObjectAlarm(stubFor(phone));
    expect(bodies(await sentTo(phone))).toEqual(["echo: status?"]);
    const [row] = await outboxOf(phone);
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("rides out a long 429 outage: retried with a growing backoff until delivered, later replies wait behind it", async () => {
    const phone = "+15550000117";
    const outage = 8;
    await twilioFaults({ to: `whatsapp:${phone}`, status: 429, count: outage });
    await sendInbound(phone, "hello");
    await eventually(async () => {
      const [head] = await outboxOf(phone);
      const open = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec("SELECT id FROM runs WHERE phase != 'finished'").toArray());
      return head?.status === "pending" && head.attempts === 1 && open.length === 0;
    });
    // A second reply is produced during the outage (its own run): it must not overtake the first.
    await sendInbound(phone, "again");
    await eventually(async () => (await outboxOf(phone)).length === 2);
    const gaps: number[] = [];
    for (let attempt = 1; attempt < outage; attempt++) {
      const [head, second] = await outboxOf(phone);
      // Never given up on: a transient failure is not final, however many times it comes.
      expect(head).toMatchObject({ status: "pending", attempts: attempt, error_code: "20429" });
      expect(second).toMatchObject({ status: "pending", attempts: 0 });
      gaps.push(head!.next_attempt_at - head!.updated_at);
      await runDurableObjectAlarm(stubFor(phone));
    }
    // Exponential from about 1 s (±20% jitter), doubling each time, but never more than 5 s apart
    // while the user's 24-hour window is open: the reply follows the outage's end closely.
    const cap = 5_000;
    gaps.forEach((gap, i) => {
      const base = Math.min(1000 * 2 ** i, cap / 1.2);
      expect(gap).toBeGreaterThanOrEqual(0.8 * base);
      expect(gap).toBeLessThanOrEqual(Math.min(1.2 * base, cap));
    });
    // The cap is reached: the later gaps stop growing there.
    expect(Math.max(...gaps)).toBeGreaterThan((0.8 * cap) / 1.2);
    await runDurableObjectAlarm(stubFor(phone));
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length === 2 && all;
    });
    expect(bodies(sent)).toEqual(["echo: hello", "echo: again"]);
    expect((await outboxOf(phone)).map((r) => [r.status, r.attempts])).toEqual([
      ["sent", outage + 1],
      ["sent", 1],
    ]);
  });

  it("splits a long reply into ordered parts of at most 1600 characters", async () => {
    const phone = "+15550000118";
    await sendInbound(phone, "explain everything [[vm:long 5000]]");
    const sent = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length >= 4 && all;
    });
    expect(sent.length).toBe(4);
    for (const message of sent) expect(message.body!.length).toBeLessThanOrEqual(1600);
    const text = sent.map((m) => m.body).join("\n\n");
    const numbers = [...text.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});

describe("status callbacks", () => {
  it("moves the outbox row forward, never back, and keeps Twilio's error code", async () => {
    const phone = "+15550000119";
    await sendInbound(phone, "ping");
    const [sent] = await eventually(async () => {
      const all = await sentTo(phone);
      return all.length === 1 && all;
    });
    const post = (status: string, extra: Record<string, string> = {}) =>
      postSigned("/twilio/status", { MessageSid: sent!.sid, MessageStatus: status, To: `whatsapp:${phone}`, AccountSid: "AC0123456789abcdef0123456789abcdef", ...extra });

    expect((await post("delivered")).status).toBe(204);
    expect((await outboxOf(phone))[0]!.status).toBe("delivered");
    await post("read");
    await post("delivered");
    expect((await outboxOf(phone))[0]!.status).toBe("read");
    await post("failed", { ErrorCode: "63016" });
    expect((await outboxOf(phone))[0]).toMatchObject({ status: "failed", error_code: "63016" });
  });

  it("answers 400 for a malformed callback", async () => {
    const res = await postSigned("/twilio/status", { MessageSid: "nope", MessageStatus: "delivered", To: "whatsapp:+15550000119" });
    expect(res.status).toBe(400);
  });
});
