// The Bot API stand-in's sendVoice, as Telegram documents it: the voice as an upload, an http(s)
// URL or a file_id; caption and duration optional; a Message with a `voice` answered, the file
// kept to fetch again; a format Telegram does not play as a voice message sent as a document.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { speakOffline } from "../stand-ins/offline-speech";
import { readOggOpus } from "../support/ogg-opus";
import { BOT_TOKEN, callBot, control, telegramResources, USER_ID } from "./telegram-helpers";

const { resources, start, receiver } = telegramResources();
afterAll(() => resources.releaseAll());

/** 45 characters: 3 s from the offline speech model. */
const VOICE = speakOffline({ text: "I ran the tests in api, and all twelve pass!!", speaker: "angus", encoding: "opus", container: "ogg" }).bytes;
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

let telegram: RunningTelegramEmulator;
let files: string;
beforeAll(async () => {
  telegram = await start();
  await callBot(telegram, "setWebhook", { url: (await receiver()).url });
  expect((await control(telegram, `/users/${USER_ID}/messages`, { text: "/start" })).status).toBe(200);
  const server = createServer((req, res) => void (req.url === "/reply.ogg" ? res.writeHead(200, { "content-type": "audio/ogg" }).end(VOICE) : res.writeHead(404).end()));
  resources.track(server, (s) => new Promise<void>((resolve) => s.close(() => resolve())));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  files = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** sendVoice as multipart/form-data, the way a file is uploaded. */
async function upload(fields: Record<string, string>, file: Uint8Array<ArrayBuffer>, name: string, type = "application/octet-stream") {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set("voice", new Blob([file], { type }), name);
  const res = await fetch(`${telegram.url}/bot${BOT_TOKEN}/sendVoice`, { method: "POST", body: form });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result: Record<string, any>; description?: string } };
}

async function download(fileId: string): Promise<{ path: string; bytes: Uint8Array }> {
  const { body } = await callBot(telegram, "getFile", { file_id: fileId });
  const path = (body.result as { file_path: string }).file_path;
  const res = await fetch(`${telegram.url}/file/bot${BOT_TOKEN}/${path}`);
  return { path, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe("sendVoice", () => {
  it("an uploaded Ogg Opus file: a Message with a voice of the sender's duration, the file kept as it came", async () => {
    const { status, body } = await upload({ chat_id: String(USER_ID), duration: "3", caption: "<b>Done</b>: 12 pass", parse_mode: "HTML" }, VOICE, "reply.ogg");
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ chat: { id: USER_ID }, caption: "Done: 12 pass" });
    expect(body.result.voice).toEqual({ file_id: expect.any(String), file_unique_id: expect.any(String), duration: 3, mime_type: "audio/ogg", file_size: VOICE.byteLength });
    expect(body.result.document).toBeUndefined();
    const file = await download(body.result.voice.file_id);
    expect(file.path).toMatch(/^voice\/file_\d+\.oga$/);
    expect(file.bytes).toEqual(VOICE);
    const ogg = readOggOpus(file.bytes);
    expect(ogg.ok && ogg.value.durationSec).toBe(3);
    // The chat keeps it, for the phone simulator to show.
    const chat = await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET");
    expect((chat.body.messages as { voice?: unknown }[]).at(-1)!.voice).toEqual(body.result.voice);
  });

  it("by URL (fetched), without a duration (0, as none was given); and again by its file_id", async () => {
    const byUrl = await callBot(telegram, "sendVoice", { chat_id: USER_ID, voice: `${files}/reply.ogg` });
    expect(byUrl.status).toBe(200);
    const voice = (byUrl.body.result as { voice: { file_id: string; duration: number; mime_type: string } }).voice;
    expect(voice).toMatchObject({ duration: 0, mime_type: "audio/ogg", file_size: VOICE.byteLength });
    expect((await download(voice.file_id)).bytes).toEqual(VOICE);
    const again = await callBot(telegram, "sendVoice", { chat_id: USER_ID, voice: voice.file_id, duration: 3 });
    expect((again.body.result as { voice: unknown }).voice).toMatchObject({ file_id: voice.file_id, duration: 3 });
  });

  it("a format Telegram does not play as a voice message goes as a document", async () => {
    const { status, body } = await upload({ chat_id: String(USER_ID) }, PDF, "notes.pdf", "application/pdf");
    expect(status).toBe(200);
    expect(body.result.voice).toBeUndefined();
    expect(body.result.document).toMatchObject({ file_name: "notes.pdf", mime_type: "application/pdf", file_size: PDF.byteLength });
  });

  it.each([
    ["no voice", { chat_id: USER_ID }, 400, "Bad Request: voice is empty"],
    ["an unknown file_id", { chat_id: USER_ID, voice: "AwACAgQAAxkBAAIBnope" }, 400, "Bad Request: invalid file_id"],
    ["a URL that does not answer", { chat_id: USER_ID, voice: `${"http://127.0.0.1:9"}/gone.ogg` }, 400, "Bad Request: wrong HTTP URL specified: failed to get HTTP URL content"],
    ["a duration that is not a whole number", { chat_id: USER_ID, voice: "x", duration: "2.5" }, 400, "Bad Request: wrong duration specified"],
    ["a caption over 1024 characters", { chat_id: USER_ID, voice: "x", caption: "a".repeat(1025) }, 400, "Bad Request: message caption is too long"],
    ["a user who never wrote", { chat_id: 123, voice: "x" }, 400, "Bad Request: chat not found"],
  ])("refuses %s, and sends nothing", async (_name, params, status, description) => {
    const before = ((await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET")).body.messages as unknown[]).length;
    expect(await callBot(telegram, "sendVoice", params)).toEqual({ status, body: { ok: false, error_code: status, description } });
    expect(((await control(telegram, `/users/${USER_ID}/chat`, undefined, "GET")).body.messages as unknown[]).length).toBe(before);
  });
});
