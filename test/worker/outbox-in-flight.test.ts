// A reply Twilio took whose 201 never reached the relay (the connection dropped, the instance
// died) is delivered once: the row says a send was in flight, and the next attempt finds it in
// Twilio's Messages list instead of sending it again.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bodies, eventually, rewriteStorage, sendInbound, sentTo, stubFor, twilioFaults } from "./helpers";

type OutboxRow = { id: number; status: string; attempts: number; sent_ref: string | null; error_code: string | null; send_started_at: number | null };
const outboxOf = (phone: string) =>
  runInDurableObject(stubFor(phone), (_a, state) => state.storage.sql.exec<OutboxRow>("SELECT * FROM outbox ORDER BY id").toArray());

describe("a send whose answer is lost", () => {
  it("the connection dropped after Twilio took the reply: found in the list, delivered once", async () => {
    const phone = "+15550000241";
    await twilioFaults({ to: `whatsapp:${phone}`, afterAccept: "drop", count: 1 });
    await sendInbound(phone, "status?");
    const waiting = await eventually(async () => {
      const [row] = await outboxOf(phone);
      return row?.error_code === "network" && row;
    });
    // Still in flight: the next attempt looks before it sends.
    expect(waiting).toMatchObject({ status: "pending", attempts: 1, sent_ref: null });
    expect(waiting.send_started_at).toEqual(expect.any(Number));
    expect(bodies(await sentTo(phone))).toEqual(["echo: status?"]);

    await runDurableObjectAlarm(stubFor(phone));
    const [row] = await outboxOf(phone);
    const [message] = await sentTo(phone);
    expect(row).toMatchObject({ status: "sent", sent_ref: message!.sid, send_started_at: null });
    expect(bodies(await sentTo(phone))).toEqual(["echo: status?"]);
  });

  it("the Worker killed while Twilio held the answer: after the restart, delivered once", async () => {
    const phone = "+15550000242";
    await twilioFaults({ to: `whatsapp:${phone}`, afterAccept: "hang", count: 1 });
    await sendInbound(phone, "deploy it");
    // Twilio has it; the relay still waits for the answer.
    await eventually(async () => (await sentTo(phone)).length === 1);
    expect((await outboxOf(phone))[0]).toMatchObject({ status: "pending", attempts: 0, send_started_at: expect.any(Number) });
    await abortAllDurableObjects();

    await runDurableObjectAlarm(stubFor(phone));
    await eventually(async () => (await outboxOf(phone))[0]?.status === "sent");
    const [message] = await sentTo(phone);
    expect((await outboxOf(phone))[0]).toMatchObject({ sent_ref: message!.sid });
    expect(bodies(await sentTo(phone))).toEqual(["echo: deploy it"]);
  });

  it("a same text another reply already sent is that reply's: the lost one is found as its own", async () => {
    const phone = "+15550000243";
    await sendInbound(phone, "again");
    await eventually(async () => (await outboxOf(phone))[0]?.status === "sent");
    await twilioFaults({ to: `whatsapp:${phone}`, afterAccept: "drop", count: 1 });
    await sendInbound(phone, "again");
    await eventually(async () => (await outboxOf(phone))[1]?.error_code === "network");
    await runDurableObjectAlarm(stubFor(phone));
    const sent = await sentTo(phone);
    expect(bodies(sent)).toEqual(["echo: again", "echo: again"]);
    expect((await outboxOf(phone)).map((r) => [r.status, r.sent_ref])).toEqual(sent.map((m) => ["sent", m.sid]));
  });

  it("a send in flight that Twilio never took (the instance died before the request left) goes once", async () => {
    const phone = "+15550000244";
    await twilioFaults({ to: `whatsapp:${phone}`, status: 503, count: 1 });
    await sendInbound(phone, "hello");
    await eventually(async () => (await outboxOf(phone))[0]?.error_code === "20500");
    expect(await sentTo(phone)).toEqual([]);
    // As an instance that wrote its mark and died before its request reached Twilio leaves it.
    await rewriteStorage(phone, (storage) => storage.sql.exec("UPDATE outbox SET send_started_at = ?", Date.now()));
    await runDurableObjectAlarm(stubFor(phone));
    expect(bodies(await sentTo(phone))).toEqual(["echo: hello"]);
    expect((await outboxOf(phone))[0]).toMatchObject({ status: "sent", send_started_at: null });
  });
});
