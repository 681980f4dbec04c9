// A created message answers 201 with Twilio's Message resource and is listed by the control API in order.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { ACCOUNT_SID, basicAuth, messagesUrl, postForm, SANDBOX_FROM, seedApprovedTemplate, sendMessage, startEmulator } from "./helpers";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ statusCallbacks: false, statusDelayMs: 60_000 });
});
afterAll(() => emulator.close());

const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

it("answers 201 with the Message resource, status queued", async () => {
  const response = await sendMessage(emulator, {
    To: "whatsapp:+15551230001",
    Body: "*hello*",
    StatusCallback: "http://127.0.0.1:9/twilio/status",
  });
  expect(response.status).toBe(201);
  const message = (await response.json()) as Record<string, unknown>;
  expect(message).toMatchObject({
    account_sid: ACCOUNT_SID,
    api_version: "2010-04-01",
    body: "*hello*",
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: SANDBOX_FROM,
    num_media: "0",
    num_segments: "1",
    status: "queued",
    to: "whatsapp:+15551230001",
    date_sent: null,
  });
  expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
  expect(message.date_created).toMatch(RFC_2822);
  expect(message.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`);

  const fetched = await fetch(`${emulator.url}${message.uri}`, { headers: { authorization: basicAuth() } });
  expect(await fetched.json()).toMatchObject({ sid: message.sid, body: "*hello*" });
});

it("answers status accepted and from null when a Messaging Service picks the sender", async () => {
  const response = await postForm(messagesUrl(emulator), {
    To: "whatsapp:+15551230002",
    MessagingServiceSid: `MG${"c3".repeat(16)}`,
    Body: "via service",
  });
  expect(response.status).toBe(201);
  expect(await response.json()).toMatchObject({ status: "accepted", from: null, messaging_service_sid: `MG${"c3".repeat(16)}` });
});

it("lists messages in the order received, filtered by recipient", async () => {
  const contentVariables = JSON.stringify({ 1: "a result is waiting" });
  await seedApprovedTemplate(emulator, `HX${"d4".repeat(16)}`, "Hello, {{1}}");
  await sendMessage(emulator, { To: "whatsapp:+15551239999", Body: "first" });
  await sendMessage(emulator, { To: "whatsapp:+15551238888", Body: "elsewhere" });
  await sendMessage(emulator, { To: "whatsapp:+15551239999", ContentSid: `HX${"d4".repeat(16)}`, ContentVariables: contentVariables });
  // A hand-written query string turns `+` into a space; the emulator reads it back as `+`.
  for (const query of ["whatsapp:+15551239999", encodeURIComponent("whatsapp:+15551239999")]) {
    const listed = (await (await fetch(`${emulator.url}/__emulator/messages?to=${query}`)).json()) as {
      messages: Record<string, unknown>[];
    };
    expect(listed.messages).toEqual([
      expect.objectContaining({ to: "whatsapp:+15551239999", body: "first", contentSid: null, status: "queued", buttons: [], media: [] }),
      expect.objectContaining({
        body: "Hello, a result is waiting",
        buttons: [],
        contentSid: `HX${"d4".repeat(16)}`,
        contentVariables: { 1: "a result is waiting" },
        errorCode: null,
        statusCallback: null,
      }),
    ]);
    expect(Date.parse(String(listed.messages[0]?.dateCreated))).not.toBeNaN();
  }
});
