// Messages.json refuses requests without the account's Basic credentials, answering Twilio's 20003 error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { ACCOUNT_SID, basicAuth, messagesUrl, postForm, SANDBOX_FROM, startEmulator } from "./helpers";

const TWILIO_401 = {
  code: 20003,
  message: "Authenticate",
  more_info: "https://www.twilio.com/docs/errors/20003",
  status: 401,
};

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const form = { To: "whatsapp:+15551230001", From: SANDBOX_FROM, Body: "hi" };
const otherAccount = `AC${"b2".repeat(16)}`;

describe("Messages.json authentication", () => {
  it.each([
    ["no Authorization header", messagesUrl, ""],
    ["a wrong auth token", messagesUrl, basicAuth(ACCOUNT_SID, "wrong")],
    ["a wrong account SID", messagesUrl, basicAuth(otherAccount)],
    ["a bearer token", messagesUrl, "Bearer emulator-test-token"],
    ["right credentials on another account's path", (e: RunningEmulator) => messagesUrl(e, otherAccount), basicAuth()],
  ])("answers 401 with Twilio's error for %s", async (_name, url, authorization) => {
    const response = await postForm(url(emulator), form, authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await response.json()).toEqual(TWILIO_401);
  });

  it("stores nothing for a refused request and accepts the right credentials", async () => {
    const before = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: unknown[] };
    await postForm(messagesUrl(emulator), form, basicAuth(ACCOUNT_SID, "wrong"));
    const accepted = await postForm(messagesUrl(emulator), form);
    expect(accepted.status).toBe(201);
    const after = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as { messages: unknown[] };
    expect(after.messages).toHaveLength(before.messages.length + 1);
  });
});
