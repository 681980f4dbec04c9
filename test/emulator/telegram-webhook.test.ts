// The stand-in's simulated user: messages, files and button presses delivered to the webhook with
// the secret header, parsed by the relay's own Update parser; files both ways through getFile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { parseUpdate } from "../../src/channels/telegram/update";
import { BOT_TOKEN, callBot, control, telegramResources, USER_ID, type Received } from "./telegram-helpers";

const { resources, start, receiver } = telegramResources();
afterAll(() => resources.releaseAll());

const SECRET = "webhook_secret-123";
let telegram: RunningTelegramEmulator;
let received: Received[];

beforeAll(async () => {
  telegram = await start();
  const hook = await receiver();
  received = hook.received;
  await callBot(telegram, "setWebhook", { url: hook.url, secret_token: SECRET, allowed_updates: ["message", "callback_query"] });
});

const last = () => received[received.length - 1]!;

describe("simulated messages reach the webhook", () => {
  it("without a webhook, the control API says so", async () => {
    const bare = await start();
    const { status, body } = await control(bare, `/users/${USER_ID}/messages`, { text: "hi" });
    expect(status).toBe(502);
    expect(body.delivery).toMatchObject({ ok: false, error: expect.stringMatching(/no webhook/) });
  });

  it("a text, with the secret header, that the relay's parser takes", async () => {
    const { status, body } = await control(telegram, `/users/${USER_ID}/messages`, { text: "fix the test", firstName: "Ada" });
    expect(status).toBe(200);
    expect(body.delivery).toMatchObject({ ok: true, status: 200 });
    expect(last().headers["x-telegram-bot-api-secret-token"]).toBe(SECRET);
    expect(last().headers["content-type"]).toBe("application/json");
    expect(parseUpdate(last().body)).toMatchObject({ ok: true, inbound: { kind: "message", chat: String(USER_ID), from: String(USER_ID), text: "fix the test", profileName: "Ada" } });
  });

  it("update ids increase", async () => {
    await control(telegram, `/users/${USER_ID}/messages`, { text: "one" });
    await control(telegram, `/users/${USER_ID}/messages`, { text: "two" });
    const [a, b] = received.slice(-2).map((r) => (r.body as { update_id: number }).update_id);
    expect(b).toBe(a! + 1);
  });

  it("a group's message is delivered, and refused by the parser", async () => {
    await control(telegram, `/users/${USER_ID}/messages`, { text: "hi all", groupChatId: -4001 });
    expect(parseUpdate(last().body)).toMatchObject({ ok: false, refused: "group" });
  });

  it("a raw update is delivered as it is", async () => {
    await control(telegram, "/updates", { update_id: 1, nonsense: true });
    expect(last().body).toEqual({ update_id: 1, nonsense: true });
  });
});

describe("files both ways", () => {
  it("a voice note the user sends is fetched with getFile and /file/bot<token>/<file_path>", async () => {
    const bytes = Buffer.from("OggS fake opus bytes");
    await control(telegram, `/users/${USER_ID}/messages`, { voice: { base64: bytes.toString("base64"), duration: 4 } });
    const parsed = parseUpdate(last().body);
    if (!parsed.ok || parsed.inbound.kind !== "message") throw new Error("expected a message");
    const voice = parsed.inbound.media[0]!;
    expect(voice).toMatchObject({ kind: "voice", contentType: "audio/ogg", durationSec: 4, size: bytes.byteLength });
    const file = await callBot(telegram, "getFile", { file_id: voice.ref });
    const filePath = (file.body.result as { file_path: string }).file_path;
    expect(filePath).toMatch(/^voice\/file_\d+\.oga$/);
    const download = await fetch(`${telegram.url}/file/bot${BOT_TOKEN}/${filePath}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${telegram.url}/file/bot1:wrong-token-000000000000000/${filePath}`)).status).toBe(401);
    expect((await callBot(telegram, "getFile", { file_id: "nope" })).body.description).toBe("Bad Request: invalid file_id");
  });

  it("a file past 20 MB is refused by getFile", async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1).toString("base64");
    await control(telegram, `/users/${USER_ID}/messages`, { document: { base64: big, filename: "big.bin" } });
    const parsed = parseUpdate(last().body);
    const ref = parsed.ok && parsed.inbound.kind === "message" ? parsed.inbound.media[0]!.ref : "";
    expect((await callBot(telegram, "getFile", { file_id: ref })).body).toEqual({ ok: false, error_code: 400, description: "Bad Request: file is too big" });
  });

  it("sendDocument and sendPhoto take multipart uploads, with a caption", async () => {
    const form = new FormData();
    form.set("chat_id", String(USER_ID));
    form.set("caption", "<b>report</b>");
    form.set("parse_mode", "HTML");
    form.set("document", new File([new TextEncoder().encode("%PDF-1.7 …")], "report.pdf", { type: "application/pdf" }));
    const doc = await (await fetch(`${telegram.url}/bot${BOT_TOKEN}/sendDocument`, { method: "POST", body: form })).json();
    expect(doc).toMatchObject({ ok: true, result: { caption: "report", entities: [{ type: "bold", offset: 0, length: 6 }], document: { file_name: "report.pdf", mime_type: "application/pdf", file_size: 12 } } });

    const photo = new FormData();
    photo.set("chat_id", String(USER_ID));
    photo.set("photo", new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], "diff.jpg", { type: "image/jpeg" }));
    const sent = (await (await fetch(`${telegram.url}/bot${BOT_TOKEN}/sendPhoto`, { method: "POST", body: photo })).json()) as { result: { photo: { file_id: string }[] } };
    expect(sent.result.photo[0]).toMatchObject({ file_size: 4 });
    // A file sent once is sent again by its file_id.
    expect((await callBot(telegram, "sendPhoto", { chat_id: USER_ID, photo: sent.result.photo[0]!.file_id })).status).toBe(200);
  });

  it("a photo upload past 10 MB is refused", async () => {
    const photo = new FormData();
    photo.set("chat_id", String(USER_ID));
    photo.set("photo", new File([new Uint8Array(10 * 1024 * 1024 + 1)], "big.jpg", { type: "image/jpeg" }));
    const res = await fetch(`${telegram.url}/bot${BOT_TOKEN}/sendPhoto`, { method: "POST", body: photo });
    expect(res.status).toBe(400);
  });
});

describe("button presses", () => {
  it("a press reaches the webhook as a callback_query, answered once within its time", async () => {
    const reply_markup = { inline_keyboard: [[{ text: "Yes", callback_data: "approval:7:yes" }, { text: "No", callback_data: "approval:7:no" }]] };
    const sent = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "Allow?", reply_markup });
    const messageId = (sent.body.result as { message_id: number }).message_id;

    expect((await control(telegram, `/users/${USER_ID}/press`, { messageId, index: 1 })).status).toBe(200);
    expect(last().headers["x-telegram-bot-api-secret-token"]).toBe(SECRET);
    const parsed = parseUpdate(last().body);
    expect(parsed).toMatchObject({ ok: true, inbound: { kind: "button", payload: "approval:7:no", messageRef: String(messageId) } });
    const queryId = parsed.ok && parsed.inbound.kind === "button" ? parsed.inbound.ackRef : null;

    expect((await callBot(telegram, "answerCallbackQuery", { callback_query_id: queryId, text: "No ✓" })).body).toEqual({ ok: true, result: true });
    expect((await callBot(telegram, "answerCallbackQuery", { callback_query_id: queryId })).body.description).toMatch(/^Bad Request: query is too old/);
    const chat = await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET");
    expect(chat.body.callbackAnswers).toEqual([expect.objectContaining({ id: queryId, answered: { text: "No ✓", showAlert: false } })]);
  });

  it("a tap answered after 15 s is too old", async () => {
    let clock = 1_764_000_000_000;
    const slow = await start({ now: () => clock });
    const hook = await receiver();
    await callBot(slow, "setWebhook", { url: hook.url });
    await control(slow, `/users/${USER_ID}/messages`, { text: "hi" });
    const sent = await callBot(slow, "sendMessage", { chat_id: USER_ID, text: "Undo?", reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "undo:yes" }]] } });
    await control(slow, `/users/${USER_ID}/press`, { messageId: (sent.body.result as { message_id: number }).message_id, data: "undo:yes" });
    const queryId = (hook.received[hook.received.length - 1]!.body as { callback_query: { id: string } }).callback_query.id;
    clock += 15_001;
    expect((await callBot(slow, "answerCallbackQuery", { callback_query_id: queryId })).status).toBe(400);
  });

  it("a press on a button the message does not have is refused", async () => {
    const sent = await callBot(telegram, "sendMessage", { chat_id: USER_ID, text: "plain" });
    const messageId = (sent.body.result as { message_id: number }).message_id;
    expect((await control(telegram, `/users/${USER_ID}/press`, { messageId, data: "undo:yes" })).status).toBe(404);
  });
});
