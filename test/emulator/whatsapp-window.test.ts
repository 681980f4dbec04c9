// WhatsApp's 24-hour window: free-form text to a user silent for over 24 h fails with 63016; templates still go.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { createContent, postJson, seedApprovedTemplate, sendMessage, startEmulator, startReceiver } from "./helpers";

const HOUR = 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1, 9, 0, 0);
const user = "+15551230001";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
beforeEach(async () => {
  receiver = await startReceiver();
  emulator = await startEmulator({ now: () => NOW });
});
afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

async function lastWrote(at: number): Promise<void> {
  expect((await postJson(`${emulator.url}/__emulator/last-inbound`, { phone: user, at })).status).toBe(200);
}

async function send(form: Record<string, string>) {
  const response = await sendMessage(emulator, { To: `whatsapp:${user}`, StatusCallback: `${receiver.url}/status`, ...form });
  expect(response.status).toBe(201);
  return ((await response.json()) as { sid: string }).sid;
}

async function stored(sid: string) {
  const listed = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as {
    messages: { sid: string; status: string; errorCode: number | null }[];
  };
  return listed.messages.find((m) => m.sid === sid);
}

it("fails free-form text outside the window with a signed 63016 callback", async () => {
  await lastWrote(NOW - 25 * HOUR);
  const sid = await send({ Body: "your standup" });
  const [post] = await receiver.waitFor(1);
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toMatchObject({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "63016" });
  expect(post?.form.ErrorMessage).toMatch(/outside the allowed window/);
  await expect.poll(() => stored(sid)).toMatchObject({ status: "failed", errorCode: 63016 });
  await emulator.close();
  expect(receiver.posts).toHaveLength(1);
});

it("delivers an approved template (ContentSid) outside the window", async () => {
  await lastWrote(NOW - 72 * HOUR);
  await seedApprovedTemplate(emulator, `HX${"e5".repeat(16)}`);
  const sid = await send({ ContentSid: `HX${"e5".repeat(16)}`, ContentVariables: JSON.stringify({ 1: "standup" }) });
  const posts = await receiver.waitFor(3);
  expect(posts.map((p) => p.form.MessageStatus)).toEqual(["sent", "delivered", "read"]);
  await expect.poll(() => stored(sid)).toMatchObject({ status: "read", errorCode: null });
});

it("fails a quick reply that WhatsApp never approved outside the window, as free-form, with 63016", async () => {
  await lastWrote(NOW - 25 * HOUR);
  const sid = await send({ ContentSid: await createContent(emulator), ContentVariables: JSON.stringify({ 1: "rm -rf build" }) });
  const [post] = await receiver.waitFor(1);
  expect(post?.form).toMatchObject({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "63016" });
});

it.each([
  ["who wrote 23 hours ago", NOW - 23 * HOUR],
  ["who wrote exactly 24 hours ago", NOW - 24 * HOUR],
])("delivers free-form text to a user %s", async (_name, at) => {
  await lastWrote(at);
  await send({ Body: "hello" });
  const posts = await receiver.waitFor(3);
  expect(posts.map((p) => p.form.MessageStatus)).toEqual(["sent", "delivered", "read"]);
});

it("treats a user with no known inbound message as inside the window", async () => {
  await send({ Body: "hello" });
  const posts = await receiver.waitFor(3);
  expect(posts.map((p) => p.form.ErrorCode)).toEqual([undefined, undefined, undefined]);
});
