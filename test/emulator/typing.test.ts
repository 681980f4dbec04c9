// The Messaging v2 typing indicator: Basic auth, Twilio's parameters, {"success": true}, and a record for tests.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { basicAuth, postForm, startEmulator } from "./helpers";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const messageId = `SM${"f6".repeat(16)}`;
const typingUrl = () => `${emulator.url}/v2/Indicators/Typing.json`;

it("answers 200 {success: true} and records the request", async () => {
  const response = await postForm(typingUrl(), { messageId, channel: "whatsapp" });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ success: true });
  const recorded = (await (await fetch(`${emulator.url}/__emulator/typing?messageId=${messageId}`)).json()) as {
    requests: { messageId: string; channel: string; at: number }[];
  };
  expect(recorded.requests).toEqual([{ messageId, channel: "whatsapp", at: expect.any(Number) }]);
});

it.each([
  ["no messageId", { channel: "whatsapp" }, 400],
  ["no channel", { messageId }, 400],
  ["a channel other than whatsapp", { messageId, channel: "sms" }, 400],
  ["a messageId that is no Message SID", { messageId: "SM123", channel: "whatsapp" }, 400],
])("answers 400 for %s", async (_name, form: Record<string, string>, status) => {
  const response = await postForm(typingUrl(), form);
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ code: 20001, status });
});

it("answers 401 without the account's credentials", async () => {
  const response = await postForm(typingUrl(), { messageId, channel: "whatsapp" }, basicAuth(undefined, "wrong"));
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ code: 20003 });
});
