// Telegram's ChannelClient against the Bot API stand-in: each Outbound kind carried out, and
// failures reported as ChannelFailures (its MediaFetcher: telegram-media-fetcher.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import type { ChannelClient } from "../../src/channels/channel";
import { telegramChannel } from "../../src/channels/telegram";
import { sendFileAs, telegramChannelClient } from "../../src/channels/telegram/channel-client";
import { createTelegramClient } from "../../src/channels/telegram/client";
import { parseUpdate } from "../../src/channels/telegram/update";
import { BOT_TOKEN, callBot, control, telegramResources, USER_ID } from "./telegram-helpers";

const { resources, start, receiver } = telegramResources();
afterAll(() => resources.releaseAll());

const to = { channel: "telegram" as const, chat: String(USER_ID) };
let telegram: RunningTelegramEmulator;
let channel: ChannelClient;
let received: { body: unknown }[];
type Shown = { message_id: number; text?: string; caption?: string; reply_markup?: unknown; document?: unknown; photo?: unknown; edit_date?: number };
const shown = async () => ((await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET")).body as { messages: Shown[]; typing: unknown; callbackAnswers: { answered: unknown }[] });

beforeAll(async () => {
  telegram = await start();
  channel = telegramChannelClient(createTelegramClient({ apiBase: telegram.url, token: BOT_TOKEN }));
  const hook = await receiver();
  received = hook.received;
  await callBot(telegram, "setWebhook", { url: hook.url });
  await control(telegram, `/users/${USER_ID}/messages`, { text: "/start" });
});

describe("telegramChannelClient.send", () => {
  it("a rendered reply, part by part, the buttons under the last", async () => {
    const parts = telegramChannel.format.render(`${"step ".repeat(1200)}\n\nAllow **this**?`);
    expect(parts.length).toBe(2);
    const refs = [];
    for (const [i, part] of parts.entries()) {
      const result = await channel.send({ kind: "text", to, part, ...(i === 1 ? { buttons: [{ title: "Yes", id: "approval:9:yes" }] } : {}) });
      expect(result.ok).toBe(true);
      refs.push(result.ok ? result.ref : null);
    }
    const messages = (await shown()).messages.slice(-2);
    expect(messages.map((m) => String(m.message_id))).toEqual(refs);
    expect(messages[1]!.text).toMatch(/Allow this\?$/);
    expect(messages[1]!.reply_markup).toEqual({ inline_keyboard: [[{ text: "Yes", callback_data: "approval:9:yes" }]] });
  });

  it("an edit, typing, and a tap's answer", async () => {
    const sent = await channel.send({ kind: "text", to, part: "Still working (1 min)" });
    const ref = sent.ok ? sent.ref! : "";
    expect(await channel.send({ kind: "edit", to, messageRef: ref, part: "Still working (3 min)" })).toEqual({ ok: true, ref });
    expect((await shown()).messages.find((m) => String(m.message_id) === ref)).toMatchObject({ text: "Still working (3 min)", edit_date: expect.any(Number) });
    expect(await channel.send({ kind: "typing", to, replyTo: null })).toEqual({ ok: true, ref: null });

    const question = await channel.send({ kind: "text", to, part: "Undo?", buttons: [{ title: "Yes", id: "undo:yes" }] });
    await control(telegram, `/users/${USER_ID}/press`, { messageId: Number(question.ok ? question.ref : 0), index: 0 });
    const tap = parseUpdate(received[received.length - 1]!.body);
    const ackRef = tap.ok && tap.inbound.kind === "button" ? tap.inbound.ackRef! : "";
    expect(await channel.send({ kind: "ack", to, ackRef, text: "Undoing ✓" })).toEqual({ ok: true, ref: null });
    expect(await channel.send({ kind: "ack", to, ackRef, text: "again" })).toMatchObject({ ok: false });
  });

  it("a file by URL: a picture as a photo, a sharp one as a document", async () => {
    await control(telegram, `/users/${USER_ID}/messages`, { photo: { base64: Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString("base64") } });
    const photo = parseUpdate(received[received.length - 1]!.body);
    const ref = photo.ok && photo.inbound.kind === "message" ? photo.inbound.media[0]!.ref : "";
    const path = ((await callBot(telegram, "getFile", { file_id: ref })).body.result as { file_path: string }).file_path;
    const url = `${telegram.url}/file/bot${BOT_TOKEN}/${path}`;
    const file = { url, name: "diff.jpg", contentType: "image/jpeg", size: 4 };
    expect(await channel.send({ kind: "file", to, file, caption: "<b>2 files changed</b>" })).toMatchObject({ ok: true });
    expect(await channel.send({ kind: "file", to, file: { ...file, keepSharp: true }, caption: "" })).toMatchObject({ ok: true });
    const [asPhoto, asDocument] = (await shown()).messages.slice(-2);
    expect(asPhoto).toMatchObject({ caption: "2 files changed", photo: [expect.objectContaining({ file_size: 4 })] });
    expect(asDocument!.document).toMatchObject({ file_size: 4 });
  });

  it("a blocked chat is reported gone", async () => {
    await control(telegram, `/users/${USER_ID}/block`, { blocked: true });
    expect(await channel.send({ kind: "text", to, part: "x" })).toMatchObject({ ok: false, errorCode: "telegram:403", chatGone: true });
    await control(telegram, `/users/${USER_ID}/block`, { blocked: false });
  });
});

describe("sendFileAs", () => {
  const file = { url: "https://relay.example.com/media/x", name: "x", contentType: "image/png", size: 1000 };
  it.each([
    ["a PNG", file, "photo"],
    ["a JPEG with parameters", { ...file, contentType: "image/jpeg; q=1" }, "photo"],
    ["a picture that must stay sharp", { ...file, keepSharp: true }, "document"],
    ["a picture past 5 MB (Telegram's limit for a photo by URL)", { ...file, size: 5 * 1024 * 1024 + 1 }, "document"],
    ["a GIF", { ...file, contentType: "image/gif" }, "document"],
    ["a PDF", { ...file, contentType: "application/pdf" }, "document"],
    ["a spoken reply (Ogg Opus)", { ...file, contentType: "audio/ogg; codecs=opus", name: "reply.ogg", size: 90_000 }, "voice"],
    ["Ogg audio past 1 MB (sendVoice by URL sends it as a file)", { ...file, contentType: "audio/ogg", size: 1024 * 1024 + 1 }, "document"],
  ] as const)("%s", (_, f, as) => {
    expect(sendFileAs(f)).toBe(as);
  });
});
