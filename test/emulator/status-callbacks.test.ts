// After a 201 the emulator posts signed status callbacks (sent, delivered, read) to the message's StatusCallback.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { ACCOUNT_SID, basicAuth, messagesUrl, postForm, SANDBOX_FROM, sendMessage, startEmulator, startReceiver } from "./helpers";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator | undefined;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await emulator?.close();
  await receiver.close();
});

async function statusOf(sid: string): Promise<string | undefined> {
  const listed = (await (await fetch(`${emulator!.url}/__emulator/messages`)).json()) as {
    messages: { sid: string; status: string }[];
  };
  return listed.messages.find((m) => m.sid === sid)?.status;
}

it("posts sent, delivered and read in order, each signed with the auth token", async () => {
  emulator = await startEmulator();
  const response = await sendMessage(emulator, {
    To: "whatsapp:+15551230001",
    Body: "hello",
    StatusCallback: `${receiver.url}/twilio/status?ref=abc`,
  });
  const { sid } = (await response.json()) as { sid: string };
  const posts = await receiver.waitFor(3);

  expect(posts.map((p) => p.form.MessageStatus)).toEqual(["sent", "delivered", "read"]);
  for (const post of posts) {
    expect(post.path).toBe("/twilio/status?ref=abc");
    expect(post.signatureValid).toBe(true);
    expect(post.form).toMatchObject({
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: ACCOUNT_SID,
      From: SANDBOX_FROM,
      To: "whatsapp:+15551230001",
      ApiVersion: "2010-04-01",
      ChannelPrefix: "whatsapp",
    });
    expect(post.form.ErrorCode).toBeUndefined();
  }
  await expect.poll(() => statusOf(sid)).toBe("read");
});

it("signs with the configured token only: a receiver expecting another token rejects it", async () => {
  emulator = await startEmulator({ authToken: "some-other-token" });
  const response = await postForm(
    messagesUrl(emulator),
    { To: "whatsapp:+15551230001", From: SANDBOX_FROM, Body: "hello", StatusCallback: `${receiver.url}/s` },
    basicAuth(ACCOUNT_SID, "some-other-token"),
  );
  expect(response.status).toBe(201);
  const [first] = await receiver.waitFor(1);
  expect(first?.signature).toBeDefined();
  expect(first?.signatureValid).toBe(false);
});

it("posts nothing when status callbacks are off, yet the status still advances", async () => {
  emulator = await startEmulator({ statusCallbacks: false });
  const response = await sendMessage(emulator, {
    To: "whatsapp:+15551230001",
    Body: "quiet",
    StatusCallback: `${receiver.url}/twilio/status`,
  });
  const { sid } = (await response.json()) as { sid: string };
  await expect.poll(() => statusOf(sid)).toBe("read");
  expect(receiver.posts).toEqual([]);
});
