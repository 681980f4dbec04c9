import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bodies, eventually, postSigned, sendInbound, sentTo, stubFor, twilioFaults } from "./helpers";

type OutboxRow = { id: number; status: string; attempts: number; twilio_sid: string | null; error_code: string | null; body: string };
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

  it("records a reply as failed after three attempts answered 429", async () => {
    const phone = "+15550000117";
    await twilioFaults({ to: `whatsapp:${phone}`, status: 429, count: 3 });
    await sendInbound(phone, "hello");
    await eventually(async () => {
      const [row] = await outboxOf(phone);
      return row?.status === "pending" && row.attempts === 1;
    });
    await runDurableObjectAlarm(stubFor(phone));
    expect((await outboxOf(phone))[0]).toMatchObject({ status: "pending", attempts: 2 });
    await runDurableObjectAlarm(stubFor(phone));
    const [row] = await outboxOf(phone);
    expect(row).toMatchObject({ status: "failed", attempts: 3, error_code: "20429", twilio_sid: null });
    expect(await sentTo(phone)).toEqual([]);
    const alarm = await runInDurableObject(stubFor(phone), (_a, state) => state.storage.getAlarm());
    expect(alarm).toBeNull();
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
