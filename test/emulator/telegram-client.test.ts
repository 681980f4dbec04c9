// The relay's Telegram client against the Bot API stand-in: a reply in parts, an edit in place, a
// keyboard and its tap, typing, files both ways, and each failure as the outbox will read it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { createTelegramClient, type TelegramClient } from "../../src/channels/telegram/client";
import { formatTelegramHtml } from "../../src/channels/telegram/html-format";
import { decideOnTelegramFailure } from "../../src/channels/telegram/send-policy";
import { splitTelegramHtml } from "../../src/channels/telegram/split-html";
import { parseUpdate } from "../../src/channels/telegram/update";
import { BOT_TOKEN, callBot, control, telegramResources, USER_ID } from "./telegram-helpers";

const { resources, start, receiver } = telegramResources();
afterAll(() => resources.releaseAll());

const CHAT = String(USER_ID);
let telegram: RunningTelegramEmulator;
let client: TelegramClient;
let received: { body: unknown }[];

type ChatView = { typing: unknown; messages: { message_id: number; text?: string; caption?: string; entities?: unknown[]; edit_date?: number; document?: { file_name?: string; file_size: number }; photo?: unknown[] }[] };
const chatView = async () => (await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET")).body as unknown as ChatView;

beforeAll(async () => {
  telegram = await start();
  client = createTelegramClient({ apiBase: telegram.url, token: BOT_TOKEN });
  const hook = await receiver();
  received = hook.received;
  await callBot(telegram, "setWebhook", { url: hook.url });
  await control(telegram, `/users/${USER_ID}/messages`, { text: "/start" });
});

describe("text", () => {
  it("a long reply with a code block goes in parts Telegram takes, the block reopened", async () => {
    const code = Array.from({ length: 300 }, (_, i) => `print(${i} < 300 and ${i} & 1)`).join("\n");
    const parts = splitTelegramHtml(formatTelegramHtml(`**Result:**\n\`\`\`python\n${code}\n\`\`\``));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(await client.sendText(CHAT, part)).toMatchObject({ ok: true });
    const shown = (await chatView()).messages.slice(-parts.length);
    expect(shown[1]!.entities).toEqual([expect.objectContaining({ type: "pre", offset: 0, language: "python" })]);
    expect(shown.map((m) => m.text).join("")).toContain("print(299 < 300 and 299 & 1)");
  });

  it("progress is edited in place; the same text again is no failure", async () => {
    const first = await client.sendText(CHAT, "Still working (1 min)");
    if (!first.ok) throw new Error("send failed");
    expect(await client.editText(CHAT, first.messageId, "Still working (3 min): <code>npm test</code>")).toEqual({ ok: true, messageId: first.messageId });
    expect(await client.editText(CHAT, first.messageId, "Still working (3 min): <code>npm test</code>")).toEqual({ ok: true, messageId: first.messageId });
    const edited = (await chatView()).messages.find((m) => m.message_id === first.messageId)!;
    expect(edited).toMatchObject({ text: "Still working (3 min): npm test", edit_date: expect.any(Number) });
  });

  it("typing", async () => {
    expect(await client.sendTyping(CHAT)).toBe(true);
    expect((await chatView()).typing).toMatchObject({ action: "typing" });
  });
});

describe("buttons", () => {
  it("an approval's keyboard, tapped, acknowledged", async () => {
    const buttons = [{ title: "Yes", id: "approval:3:yes" }, { title: "No", id: "approval:3:no" }, { title: "Always", id: "approval:3:always" }];
    const sent = await client.sendText(CHAT, "🔐 Approval: run <code>rm -rf build</code>?", buttons);
    if (!sent.ok) throw new Error("send failed");
    await control(telegram, `/users/${USER_ID}/press`, { messageId: sent.messageId, index: 2 });
    const tap = parseUpdate(received[received.length - 1]!.body);
    expect(tap).toMatchObject({ ok: true, inbound: { kind: "button", payload: "approval:3:always" } });
    expect(await client.answerTap(tap.ok && tap.inbound.kind === "button" ? tap.inbound.ackRef! : "", "Always ✓")).toBe(true);
  });
});

describe("files", () => {
  it("a document upload, a photo upload, and a document Telegram fetches by URL", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7 the report");
    expect(await client.sendFile(CHAT, { kind: "bytes", bytes: pdf, name: "report.pdf", contentType: "application/pdf" }, "<b>The report</b>", "document")).toMatchObject({ ok: true });
    expect(await client.sendFile(CHAT, { kind: "bytes", bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), name: "diff.png", contentType: "image/png" }, "", "photo")).toMatchObject({ ok: true });
    // The stand-in's own file download serves as a URL of ours here.
    await control(telegram, `/users/${USER_ID}/messages`, { document: { base64: Buffer.from("notes").toString("base64"), filename: "notes.txt", contentType: "text/plain" } });
    const notes = parseUpdate(received[received.length - 1]!.body);
    const fileId = notes.ok && notes.inbound.kind === "message" ? notes.inbound.media[0]!.ref : "";
    const path = ((await callBot(telegram, "getFile", { file_id: fileId })).body.result as { file_path: string }).file_path;
    expect(await client.sendFile(CHAT, { kind: "url", url: `${telegram.url}/file/bot${BOT_TOKEN}/${path}` }, "", "document")).toMatchObject({ ok: true });
    const files = (await chatView()).messages.slice(-4);
    expect(files[0]).toMatchObject({ caption: "The report", document: { file_name: "report.pdf", file_size: pdf.byteLength } });
    expect(files[1]!.photo).toHaveLength(1);
    expect(files[3]).toMatchObject({ document: { file_size: 5 } });
  });

  it("a photo over 10 MB goes as a document", async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 10);
    expect(await client.sendFile(CHAT, { kind: "bytes", bytes: big, name: "huge.png", contentType: "image/png" }, "", "photo")).toMatchObject({ ok: true });
    expect((await chatView()).messages.at(-1)).toMatchObject({ document: { file_name: "huge.png" } });
  });

  it("a file the user sent is fetched; one past 20 MB is refused as too large", async () => {
    await control(telegram, `/users/${USER_ID}/messages`, { voice: { base64: Buffer.from("OggS opus").toString("base64"), duration: 2 } });
    const voice = parseUpdate(received[received.length - 1]!.body);
    const ref = voice.ok && voice.inbound.kind === "message" ? voice.inbound.media[0]!.ref : "";
    const fetched = await client.fetchFile(ref);
    expect(fetched.ok && Buffer.from(fetched.bytes).toString()).toBe("OggS opus");

    await control(telegram, `/users/${USER_ID}/messages`, { document: { base64: Buffer.alloc(20 * 1024 * 1024 + 1).toString("base64") } });
    const big = parseUpdate(received[received.length - 1]!.body);
    const bigRef = big.ok && big.inbound.kind === "message" ? big.inbound.media[0]!.ref : "";
    expect(await client.fetchFile(bigRef)).toMatchObject({ ok: false, reason: "too_large", retryable: false });
    expect(await client.fetchFile("no-such-file")).toMatchObject({ ok: false, reason: "unavailable", retryable: false });
  });
});

describe("failures, as the outbox reads them", () => {
  const NOW = 1_764_000_000_000;

  it("429: retried no sooner than retry_after", async () => {
    await control(telegram, "/faults", { method: "sendMessage", status: 429, retryAfter: 9 });
    const result = await client.sendText(CHAT, "x");
    expect(result).toMatchObject({ ok: false, errorCode: "telegram:429", retryable: true, retryAfterMs: 9000 });
    const decision = !result.ok && decideOnTelegramFailure(result, 1, NOW, () => 0.5);
    expect(decision).toEqual({ action: "retry", at: NOW + 9000 });
  });

  it("403 blocked: the chat is stopped", async () => {
    await control(telegram, `/users/${USER_ID}/block`, { blocked: true });
    const result = await client.sendText(CHAT, "x");
    expect(result).toMatchObject({ ok: false, chatGone: true });
    expect(!result.ok && decideOnTelegramFailure(result, 1, NOW, () => 0.5)).toEqual({ action: "stop_chat" });
    await control(telegram, `/users/${USER_ID}/block`, { blocked: false });
  });

  it("400 (HTML Telegram cannot read): given up, not retried", async () => {
    const result = await client.sendText(CHAT, "<blink>x</blink>");
    expect(result).toMatchObject({ ok: false, errorCode: "telegram:400", retryable: false, chatGone: false });
    expect(!result.ok && decideOnTelegramFailure(result, 1, NOW, () => 0.5)).toEqual({ action: "fail", tellUser: true });
  });

  it("a wrong token, and a Bot API that does not answer", async () => {
    const wrong = createTelegramClient({ apiBase: telegram.url, token: "4242424242:AAH-not-the-token-00000000" });
    expect(await wrong.sendText(CHAT, "x")).toMatchObject({ ok: false, errorCode: "telegram:401", retryable: false });
    const away = createTelegramClient({ apiBase: "http://127.0.0.1:9", token: BOT_TOKEN });
    expect(await away.sendText(CHAT, "x")).toMatchObject({ ok: false, errorCode: "network", retryable: true });
    expect(await away.sendTyping(CHAT)).toBe(false);
  });
});
