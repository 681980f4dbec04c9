// The Bot API stand-in's methods: the envelope, auth, messages and edits, keyboards, chat actions,
// commands, faults and a blocked chat, as Telegram documents them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { BOT_TOKEN, callBot, control, telegramResources, USER_ID } from "./telegram-helpers";

const { resources, start, receiver } = telegramResources();
afterAll(() => resources.releaseAll());

let telegram: RunningTelegramEmulator;
beforeAll(async () => {
  telegram = await start();
  const hook = await receiver();
  await callBot(telegram, "setWebhook", { url: hook.url });
  // The user writes first, as on Telegram: a bot cannot start a private chat.
  expect((await control(telegram, `/users/${USER_ID}/messages`, { text: "/start" })).status).toBe(200);
});

describe("auth and the envelope", () => {
  it("getMe with the token", async () => {
    const { status, body } = await callBot(telegram, "getMe");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, result: { id: 4242424242, is_bot: true, username: "local_agent_bot" } });
  });

  it("401 Unauthorized for a wrong token", async () => {
    expect(await callBot(telegram, "getMe", {}, "4242424242:AAH-some-other-token-000000")).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
  });

  it("404 Not Found for an unknown method", async () => {
    expect(await callBot(telegram, "sendTelepathy")).toEqual({ status: 404, body: { ok: false, error_code: 404, description: "Not Found" } });
  });

  it("method names are case-insensitive, and parameters may come as a form or a query", async () => {
    const form = await fetch(`${telegram.url}/bot${BOT_TOKEN}/SENDMESSAGE`, { method: "POST", body: new URLSearchParams({ chat_id: String(USER_ID), text: "by form" }) });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: "by form" } });
    const query = await fetch(`${telegram.url}/bot${BOT_TOKEN}/sendMessage?chat_id=${USER_ID}&text=by%20query`);
    expect(await query.json()).toMatchObject({ ok: true, result: { text: "by query" } });
  });
});

describe("sendMessage and editMessageText", () => {
  it("HTML is read into text and entities", async () => {
    const { body } = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: '<b>Done</b> &lt;ok&gt;\n<pre><code class="language-ts">a &amp;&amp; b</code></pre>', parse_mode: "HTML" });
    expect(body).toMatchObject({
      ok: true,
      result: {
        chat: { id: USER_ID, type: "private" },
        from: { is_bot: true },
        text: "Done <ok>\na && b",
        entities: [
          { type: "bold", offset: 0, length: 4 },
          { type: "pre", offset: 10, length: 6, language: "ts" },
        ],
      },
    });
  });

  it.each([
    ["an unknown tag", { text: "<x>a</x>", parse_mode: "HTML" }, /^Bad Request: can't parse entities: Unsupported start tag "x"/],
    ["an unclosed tag", { text: "<b>a", parse_mode: "HTML" }, /^Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"/],
    ["an empty text", { text: "  " }, /^Bad Request: message text is empty$/],
    ["a text past 4096", { text: "x".repeat(4097) }, /^Bad Request: message is too long$/],
    ["callback_data past 64 bytes", { text: "t", reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "x".repeat(65) }]] } }, /^Bad Request: BUTTON_DATA_INVALID$/],
  ])("400 for %s", async (_, params, description) => {
    const { status, body } = await callBot(telegram, "sendMessage", { chat_id: USER_ID, ...params });
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, error_code: 400 });
    expect(body.description).toMatch(description);
  });

  it("4096 characters after entities parsing are taken, however long the HTML", async () => {
    const { status } = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "&amp;".repeat(4096), parse_mode: "HTML" });
    expect(status).toBe(200);
  });

  it("400 chat not found for a user who never wrote", async () => {
    expect((await callBot(telegram, "sendMessage", { chat_id: 123, text: "hi" })).body).toEqual({ ok: false, error_code: 400, description: "Bad Request: chat not found" });
  });

  it("an edit replaces the text in place; the same text again is 'not modified'", async () => {
    const sent = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "Working (1 min)" });
    const messageId = (sent.body.result as { message_id: number }).message_id;
    const edited = await callBot(telegram, "editMessageText", { chat_id: USER_ID, message_id: messageId, text: "Working (2 min)" });
    expect(edited.body).toMatchObject({ ok: true, result: { message_id: messageId, text: "Working (2 min)", edit_date: expect.any(Number) } });
    const again = await callBot(telegram, "editMessageText", { chat_id: USER_ID, message_id: messageId, text: "Working (2 min)" });
    expect(again.status).toBe(400);
    expect(again.body.description).toMatch(/^Bad Request: message is not modified/);
    const missing = await callBot(telegram, "editMessageText", { chat_id: USER_ID, message_id: 99_999, text: "x" });
    expect(missing.body.description).toBe("Bad Request: message to edit not found");
    const chat = await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET");
    expect((chat.body.messages as { message_id: number; text?: string }[]).filter((m) => m.message_id === messageId).map((m) => m.text)).toEqual(["Working (2 min)"]);
  });

  it("an inline keyboard is kept with the message", async () => {
    const reply_markup = { inline_keyboard: [[{ text: "Yes", callback_data: "approval:1:yes" }, { text: "No", callback_data: "approval:1:no" }]] };
    const { body } = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "Allow?", reply_markup });
    expect(body).toMatchObject({ ok: true, result: { reply_markup } });
  });

  it("editMessageReplyMarkup without a markup takes the keyboard away: no tap on it any more, and again is 'not modified'", async () => {
    const reply_markup = { inline_keyboard: [[{ text: "Ship", callback_data: "ship:yes" }]] };
    const sent = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "Ship it?", reply_markup });
    const messageId = (sent.body.result as { message_id: number }).message_id;
    const removed = await callBot(telegram, "editMessageReplyMarkup", { chat_id: USER_ID, message_id: messageId });
    expect(removed.body).toMatchObject({ ok: true, result: { message_id: messageId, text: "Ship it?" } });
    expect((removed.body.result as Record<string, unknown>).reply_markup).toBeUndefined();
    const again = await callBot(telegram, "editMessageReplyMarkup", { chat_id: USER_ID, message_id: messageId });
    expect(again.body.description).toMatch(/^Bad Request: message is not modified/);
    expect((await callBot(telegram, "editMessageReplyMarkup", { chat_id: USER_ID, message_id: 99_999 })).body.description).toBe("Bad Request: message to edit not found");
    expect((await control(telegram, `/users/${USER_ID}/press`, { messageId, data: "ship:yes" })).status).toBe(404);
  });
});

describe("sendChatAction, setMyCommands, setWebhook", () => {
  it("typing shows until the next message", async () => {
    expect((await callBot(telegram, "sendChatAction", { chat_id: USER_ID, action: "typing" })).body).toEqual({ ok: true, result: true });
    expect((await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET")).body.typing).toMatchObject({ action: "typing" });
    await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "answer" });
    expect((await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET")).body.typing).toBeNull();
    expect((await callBot(telegram, "sendChatAction", { chat_id: USER_ID, action: "dancing" })).status).toBe(400);
  });

  it("commands are checked and kept", async () => {
    const commands = [{ command: "stop", description: "Stop the run" }, { command: "link", description: "Join a chat of the other app" }];
    expect((await callBot(telegram, "setMyCommands", { commands })).body).toEqual({ ok: true, result: true });
    expect((await callBot(telegram, "getMyCommands")).body).toEqual({ ok: true, result: commands });
    expect((await callBot(telegram, "setMyCommands", { commands: [{ command: "Bad-Name", description: "x" }] })).body.description).toBe("Bad Request: BOT_COMMAND_INVALID");
  });

  it("setWebhook says what it did, and refuses a secret Telegram would", async () => {
    const hook = await receiver();
    expect((await callBot(telegram, "setWebhook", { url: hook.url, secret_token: "abc_DEF-123" })).body).toEqual({ ok: true, result: true, description: "Webhook was set" });
    expect((await callBot(telegram, "getWebhookInfo")).body).toMatchObject({ ok: true, result: { url: hook.url, pending_update_count: 0 } });
    expect((await callBot(telegram, "setWebhook", { url: hook.url, secret_token: "has space" })).status).toBe(400);
  });
});

describe("faults and a blocked chat", () => {
  it("429 with parameters.retry_after, for as many calls as injected", async () => {
    await control(telegram, "/faults", { method: "sendMessage", status: 429, retryAfter: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "x" })).toEqual({
        status: 429,
        body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } },
      });
    }
    expect((await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "x" })).status).toBe(200);
  });

  it("a fault for one method leaves the others alone", async () => {
    await control(telegram, "/faults", { method: "editMessageText", status: 502 });
    expect((await callBot(telegram, "getMe")).status).toBe(200);
    expect((await callBot(telegram, "editMessageText", { chat_id: USER_ID, message_id: 1, text: "x" })).body).toEqual({ ok: false, error_code: 502, description: "Bad Gateway" });
    await control(telegram, "/faults", undefined, "DELETE");
  });

  it("403 for a chat whose user blocked the bot, until unblocked", async () => {
    await control(telegram, `/users/${USER_ID}/block`, { blocked: true });
    expect(await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "x" })).toEqual({ status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } });
    expect((await callBot(telegram, "sendChatAction", { chat_id: USER_ID, action: "typing" })).status).toBe(403);
    await control(telegram, `/users/${USER_ID}/block`, { blocked: false });
    expect((await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "x" })).status).toBe(200);
  });
});
