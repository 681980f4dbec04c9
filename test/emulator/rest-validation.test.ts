// Messages.json rejects bad requests with Twilio's status and error code, and stores none of them.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { messagesUrl, postForm, startEmulator } from "./helpers";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const to = "whatsapp:+15551230001";
const from = "whatsapp:+14155238886";

it.each([
  ["no To", { From: from, Body: "hi" }, 21604],
  ["an empty To", { To: "", From: from, Body: "hi" }, 21604],
  ["a To that is no phone number", { To: "whatsapp:alice", From: from, Body: "hi" }, 21211],
  ["no From and no MessagingServiceSid", { To: to, Body: "hi" }, 21603],
  ["no Body and no ContentSid", { To: to, From: from }, 21602],
  ["an empty Body", { To: to, From: from, Body: "" }, 21602],
  ["a Body of 1601 characters", { To: to, From: from, Body: "x".repeat(1601) }, 21617],
  ["a WhatsApp From with an SMS To", { To: "+15551230001", From: from, Body: "hi" }, 21910],
  ["a WhatsApp sender the account does not have", { To: to, From: "whatsapp:+15550000000", Body: "hi" }, 63007],
  ["ContentVariables that are not a JSON object", { To: to, From: from, ContentSid: `HX${"0".repeat(32)}`, ContentVariables: "{1:" }, 21656],
  ["a StatusCallback that is no URL", { To: to, From: from, Body: "hi", StatusCallback: "not a url" }, 21609],
])("answers 400 for %s", async (_name, form: Record<string, string>, code) => {
  const response = await postForm(messagesUrl(emulator), form);
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({
    code,
    status: 400,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    message: expect.any(String),
  });
  const listed = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: unknown[] };
  expect(listed.messages).toEqual([]);
});

it("accepts a Body of exactly 1600 characters", async () => {
  const response = await postForm(messagesUrl(emulator), { To: to, From: from, Body: "x".repeat(1600) });
  expect(response.status).toBe(201);
});
