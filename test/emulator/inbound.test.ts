// A simulated user's message reaches the relay as Twilio's exact incoming-message form, correctly signed.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { ACCOUNT_SID, postJson, SANDBOX_FROM, sendMessage, startEmulator, startReceiver } from "./helpers";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

async function start(answerStatus = 200) {
  receiver = await startReceiver(answerStatus);
  emulator = await startEmulator({
    inboundWebhookUrl: `${receiver.url}/twilio/inbound`,
    users: [{ phone: "+15551230001", name: "Alice" }],
  });
}

it("posts the signed form Twilio sends for a WhatsApp text and answers the relay's status", async () => {
  await start();
  const response = await postJson(`${emulator.url}/__emulator/inbound`, { from: "+15551230001", body: "run the tests" });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { sid: string; status: number };
  expect(answer).toEqual({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 200 });

  const [post] = receiver.posts;
  expect(post?.path).toBe("/twilio/inbound");
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toEqual({
    MessageSid: answer.sid,
    SmsSid: answer.sid,
    SmsMessageSid: answer.sid,
    AccountSid: ACCOUNT_SID,
    From: "whatsapp:+15551230001",
    To: SANDBOX_FROM,
    Body: "run the tests",
    NumMedia: "0",
    NumSegments: "1",
    ReferralNumMedia: "0",
    ProfileName: "Alice",
    WaId: "15551230001",
    MessageType: "text",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  });
});

it("opens the user's window: free-form text after their message is delivered despite an old last-inbound", async () => {
  await start();
  await postJson(`${emulator.url}/__emulator/last-inbound`, { phone: "+15551230001", at: Date.now() - 48 * 3_600_000 });
  await postJson(`${emulator.url}/__emulator/inbound`, { from: "+15551230001", body: "hi", profileName: "Al" });
  expect(receiver.posts[0]?.form.ProfileName).toBe("Al");
  const sent = await sendMessage(emulator, { To: "whatsapp:+15551230001", Body: "hello again" });
  const { sid } = (await sent.json()) as { sid: string };
  const statusOf = async () => {
    const listed = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as {
      messages: { sid: string; status: string }[];
    };
    return listed.messages.find((m) => m.sid === sid)?.status;
  };
  await expect.poll(statusOf).toBe("read");
});

it("reports the relay's refusal", async () => {
  await start(403);
  const response = await postJson(`${emulator.url}/__emulator/inbound`, { from: "+15551230001", body: "hi" });
  expect(await response.json()).toMatchObject({ status: 403 });
});

it("refuses a sender that is no phone number", async () => {
  await start();
  const response = await postJson(`${emulator.url}/__emulator/inbound`, { from: "alice", body: "hi" });
  expect(response.status).toBe(400);
  expect(receiver.posts).toEqual([]);
});
