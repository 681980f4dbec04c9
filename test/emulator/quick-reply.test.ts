// A quick-reply template sent with ContentSid is stored rendered, with its buttons; a tap reaches the relay as Twilio posts it, signed.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { createResources, type Resources } from "../helpers/resources";
import { ACCOUNT_SID, createContent, listed, postJson, QUICK_REPLY, SANDBOX_FROM, sendMessage, startEmulator, startReceiver } from "./helpers";

const ALICE = "+15551230001";
let resources: Resources;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
beforeEach(async () => {
  resources = createResources();
  receiver = resources.track(await startReceiver(), (r) => r.close());
  emulator = resources.track(
    await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, users: [{ phone: ALICE, name: "Alice" }] }),
    (e) => e.close(),
  );
});
afterEach(() => resources.releaseAll());

async function sendApproval(extra: Record<string, string> = {}): Promise<string> {
  const response = await sendMessage(emulator, {
    To: `whatsapp:${ALICE}`,
    ContentSid: await createContent(emulator),
    ContentVariables: JSON.stringify({ 1: "npm test", 2: "r7" }),
    ...extra,
  });
  expect(response.status).toBe(201);
  const message = (await response.json()) as { sid: string; body: string };
  expect(message.body).toBe("Allow npm test?");
  return message.sid;
}

it("renders the template's variables into the body and buttons and lists them", async () => {
  const sid = await sendApproval();
  expect(await listed(emulator, sid)).toMatchObject({
    body: "Allow npm test?",
    buttons: [
      { title: "Yes", id: "yes-r7" },
      { title: "No", id: "no-r7" },
      { title: "Always", id: "always-r7" },
    ],
    media: [],
    contentSid: expect.stringMatching(/^HX/),
  });
  await expect.poll(async () => (await listed(emulator, sid))?.status).toBe("read");
});

it.each([
  ["an unknown ContentSid", { ContentSid: `HX${"0".repeat(32)}` }, 21655],
  ["a ContentSid that is no SID", { ContentSid: "approval_prompt" }, 21655],
  ["a ContentVariables value over 1600 characters", { ContentVariables: JSON.stringify({ 1: "x".repeat(1601) }) }, 21658],
])("refuses %s with Twilio's %s and stores nothing", async (_name, form, code) => {
  const contentSid = await createContent(emulator);
  const response = await sendMessage(emulator, { To: `whatsapp:${ALICE}`, ContentSid: contentSid, ...form });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
  const all = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: unknown[] };
  expect(all.messages).toEqual([]);
});

it("posts a tap as Twilio does: the title as Body, the id as ButtonPayload, the tapped message as OriginalRepliedMessageSid", async () => {
  const sid = await sendApproval();
  const tap = await postJson(`${emulator.url}/__emulator/tap`, { messageSid: sid, payload: "always-r7" });
  expect(tap.status).toBe(200);
  const answer = (await tap.json()) as { sid: string; status: number };
  expect(answer).toEqual({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 200 });

  const [post] = await receiver.waitFor(1);
  expect(post?.path).toBe("/twilio/inbound");
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toMatchObject({
    MessageSid: answer.sid,
    AccountSid: ACCOUNT_SID,
    From: `whatsapp:${ALICE}`,
    To: SANDBOX_FROM,
    Body: "Always",
    ButtonText: "Always",
    ButtonPayload: "always-r7",
    OriginalRepliedMessageSid: sid,
    OriginalRepliedMessageSender: SANDBOX_FROM,
    MessageType: "interactive",
    NumMedia: "0",
    ProfileName: "Alice",
    WaId: "15551230001",
  });
});

it("taps by position, and a tap on an approved template's button is MessageType button", async () => {
  const response = await postJson(`${emulator.url}/__emulator/contents`, { sid: `HX${"ab".repeat(16)}`, approved: true, ...QUICK_REPLY });
  expect(response.status).toBe(201);
  const sent = await sendMessage(emulator, { To: `whatsapp:${ALICE}`, ContentSid: `HX${"ab".repeat(16)}`, ContentVariables: JSON.stringify({ 2: "r9" }) });
  const { sid } = (await sent.json()) as { sid: string };
  await postJson(`${emulator.url}/__emulator/tap`, { messageSid: sid, index: 1 });
  const [post] = await receiver.waitFor(1);
  expect(post?.form).toMatchObject({ Body: "No", ButtonPayload: "no-r9", MessageType: "button" });
});

it.each([
  ["a message never sent", () => ({ messageSid: `SM${"9".repeat(32)}`, index: 0 }), 404],
  ["a button the message does not have", (sid: string) => ({ messageSid: sid, payload: "maybe" }), 400],
  ["a position past the last button", (sid: string) => ({ messageSid: sid, index: 3 }), 400],
  ["both payload and index", (sid: string) => ({ messageSid: sid, payload: "yes-r7", index: 0 }), 400],
])("refuses a tap on %s and posts nothing", async (_name, body, status) => {
  const sid = await sendApproval();
  const response = await postJson(`${emulator.url}/__emulator/tap`, body(sid));
  expect(response.status).toBe(status);
  expect(receiver.posts).toEqual([]);
});

it("fails an unapproved in-session quick reply with more than three buttons: WhatsApp refuses it (63005)", async () => {
  const four = { ...QUICK_REPLY, types: { "twilio/quick-reply": { body: "Pick", actions: ["a", "b", "c", "d"].map((t) => ({ title: t, id: t })) } } };
  const response = await sendMessage(emulator, { To: `whatsapp:${ALICE}`, ContentSid: await createContent(emulator, four), StatusCallback: `${receiver.url}/status` });
  const { sid } = (await response.json()) as { sid: string };
  const [post] = await receiver.waitFor(1);
  expect(post?.form).toMatchObject({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "63005" });
});

it("fails a quick reply whose text, variables filled in, is over WhatsApp's 1024 characters (63021)", async () => {
  const response = await sendMessage(emulator, {
    To: `whatsapp:${ALICE}`,
    ContentSid: await createContent(emulator),
    ContentVariables: JSON.stringify({ 1: "x".repeat(1100) }),
    StatusCallback: `${receiver.url}/status`,
  });
  const { sid } = (await response.json()) as { sid: string };
  const [post] = await receiver.waitFor(1);
  expect(post?.form).toMatchObject({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "63021" });
});
