// The simulator's event stream: history first, then outgoing messages, status changes and the typing bubble, per phone.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { basicAuth, postForm, postJson, readEvents, sendMessage, startEmulator, startReceiver, type SseEvent } from "./helpers";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
beforeEach(async () => {
  receiver = await startReceiver();
  emulator = await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, statusDelayMs: 20 });
});
afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

const eventsUrl = (phone: string) => `${emulator.url}/__emulator/events?phone=${encodeURIComponent(phone)}`;
const has = (events: SseEvent[], predicate: (e: SseEvent) => boolean) => events.some(predicate);

it("streams an outgoing message to its phone only, then its status changes", async () => {
  const alice = readEvents(eventsUrl("+15551230001"), (events) =>
    has(events, (e) => e.event === "status" && (e.data as { status: string }).status === "read"),
  );
  const bob = readEvents(eventsUrl("+15551230002"), (events) => events.length >= 1);
  // Give both streams time to subscribe before anything happens.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await sendMessage(emulator, { To: "whatsapp:+15551230001", Body: "*done*" });

  const events = await alice;
  expect(events[0]).toEqual({ event: "history", data: { type: "history", messages: [], typing: false } });
  const message = events.find((e) => e.event === "message")?.data as { message: Record<string, unknown> };
  expect(message.message).toMatchObject({ direction: "out", body: "*done*", status: "queued", errorCode: null });
  const statuses = events.filter((e) => e.event === "status").map((e) => (e.data as { status: string }).status);
  expect(statuses).toEqual(["sent", "delivered", "read"]);
  expect((await bob).map((e) => e.event)).toEqual(["history"]);
});

it("replays the conversation in order as history on connect", async () => {
  await postJson(`${emulator.url}/__emulator/inbound`, { from: "+15551230001", body: "question" });
  await sendMessage(emulator, { To: "whatsapp:+15551230001", Body: "answer" });
  const [history] = await readEvents(eventsUrl("+15551230001"), (events) => events.length >= 1);
  const messages = (history?.data as { messages: { direction: string; body: string }[] }).messages;
  expect(messages.map((m) => [m.direction, m.body])).toEqual([
    ["in", "question"],
    ["out", "answer"],
  ]);
});

it("shows typing for the user whose message is answered, marks it read, and hides it at the next message", async () => {
  const stream = readEvents(eventsUrl("+15551230001"), (events) =>
    has(events, (e) => e.event === "typing" && !(e.data as { on: boolean }).on),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const inbound = (await (
    await postJson(`${emulator.url}/__emulator/inbound`, { from: "+15551230001", body: "go" })
  ).json()) as { sid: string };
  const typing = await postForm(`${emulator.url}/v2/Indicators/Typing.json`, { messageId: inbound.sid, channel: "whatsapp" }, basicAuth());
  expect(typing.status).toBe(200);
  await sendMessage(emulator, { To: "whatsapp:+15551230001", Body: "reply" });

  const sequence = (await stream)
    .filter((e) => e.event !== "history")
    .map((e) => {
      const data = e.data as { type: string; on?: boolean; status?: string; message?: { body: string } };
      return data.type === "typing" ? `typing:${data.on}` : data.type === "status" ? `status:${data.status}` : `message:${data.message?.body}`;
    });
  expect(sequence).toEqual(["message:go", "status:delivered", "status:read", "typing:true", "typing:false", "message:reply"]);
});

it("ends the typing bubble by itself after the typing time", async () => {
  await emulator.close();
  emulator = await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, typingMs: 50 });
  const stream = readEvents(eventsUrl("+15551230001"), (events) =>
    has(events, (e) => e.event === "typing" && !(e.data as { on: boolean }).on),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const { sid } = (await (await postJson(`${emulator.url}/__emulator/inbound`, { from: "+15551230001", body: "go" })).json()) as { sid: string };
  await postForm(`${emulator.url}/v2/Indicators/Typing.json`, { messageId: sid, channel: "whatsapp" }, basicAuth());
  const typing = (await stream).filter((e) => e.event === "typing").map((e) => (e.data as { on: boolean }).on);
  expect(typing).toEqual([true, false]);
});

it("refuses a stream without a phone number", async () => {
  const response = await fetch(`${emulator.url}/__emulator/events?phone=alice`);
  expect(response.status).toBe(400);
});
