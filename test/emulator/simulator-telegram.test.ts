// The phone simulator's Telegram view in headless Chromium against the Bot API stand-in (through
// the Twilio emulator's origin): what the user types and attaches reaches the webhook as Telegram
// updates; the bot's replies, inline buttons that press, a message edited in place, entities and
// files both ways show as they would in Telegram.
import type { Browser, Locator, Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import type { RunningTelegramEmulator } from "../../emulator/telegram/server";
import { launchChromium } from "../../emulator/tools/chromium";
import { createResources, useResources, type Resources } from "../helpers/resources";
import { speakOffline } from "../stand-ins/offline-speech";
import { startEmulator } from "./helpers";
import { playBriefly } from "./page-audio";
import { BOT_TOKEN, callBot, telegramResources, type Received } from "./telegram-helpers";

const ALICE = 5550001;
const SECRET = "simulator-webhook-secret";
const PHONE = { width: 390, height: 844 };
/** A 2×2 red PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR42mP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

let browser: Browser;
const resources = useResources();
beforeAll(async () => {
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 60_000);

let perTest: Resources;
let telegram: RunningTelegramEmulator;
let hook: { url: string; received: Received[] };
let emulator: RunningEmulator;
let page: Page;
let pageErrors: string[];
beforeEach(async () => {
  perTest = createResources();
  const tg = telegramResources();
  perTest.track(tg, (t) => t.resources.releaseAll());
  telegram = await tg.start();
  hook = await tg.receiver();
  expect((await callBot(telegram, "setWebhook", { url: hook.url, secret_token: SECRET })).status).toBe(200);
  emulator = perTest.track(await startEmulator({ telegram: { url: telegram.url, users: [{ id: String(ALICE), name: "Alice" }] } }), (e) => e.close());
  page = perTest.track(await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true }), (p) => p.context().close());
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => void (message.type() === "error" && pageErrors.push(message.text())));
  await page.goto(`${emulator.url}/?channel=telegram&user=${ALICE}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();
}, 30_000);
afterEach(() => perTest.releaseAll());

const bubbles = (direction: "in" | "out") => page.locator(`[data-testid=message][data-direction=${direction}]`);
/** The updates the webhook got, waited for (the page posts them as the user acts). */
async function updates(count: number): Promise<Array<Record<string, any>>> {
  await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return hook.received.map((r) => r.body as Record<string, any>);
}
/** Whether two elements' boxes share no row of the screen: a toast that covers no part of a message. */
async function apart(a: Locator, b: Locator): Promise<boolean> {
  const [one, two] = [await a.boundingBox(), await b.boundingBox()];
  return one !== null && two !== null && (one.y + one.height <= two.y || one.y >= two.y + two.height);
}
const sendAsBot = async (method: string, params: Record<string, unknown>) => {
  const { status, body } = await callBot(telegram, method, { chat_id: ALICE, ...params });
  expect(status).toBe(200);
  return (body as { result: { message_id: number } }).result;
};

it("sends what the user types as a Telegram update to the webhook, with the secret", { timeout: 30_000 }, async () => {
  await expect.poll(() => page.getByTestId("channel-telegram").getAttribute("class")).toMatch(/current/);
  await page.getByTestId("composer").fill("Hello from Telegram");
  await page.getByTestId("send").click();
  const [update] = await updates(1);
  expect(hook.received[0]!.headers["x-telegram-bot-api-secret-token"]).toBe(SECRET);
  expect(update!.message).toMatchObject({ text: "Hello from Telegram", from: { id: ALICE, first_name: "Alice", is_bot: false }, chat: { id: ALICE, type: "private" } });
  await bubbles("in").filter({ hasText: "Hello from Telegram" }).waitFor();
  expect(pageErrors).toEqual([]);
});

it("shows inline buttons under a message; a press reaches the webhook and the bot's answer shows", { timeout: 30_000 }, async () => {
  await page.getByTestId("composer").fill("run the tests");
  await page.getByTestId("send").click();
  await updates(1);
  await sendAsBot("sendMessage", {
    text: "Run <code>npm test</code>?",
    parse_mode: "HTML",
    reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "approval:1:yes" }, { text: "No", callback_data: "approval:1:no" }]] },
  });
  const question = bubbles("out").filter({ hasText: "Run npm test?" });
  await question.waitFor();
  await expect.poll(() => question.locator("code").textContent()).toBe("npm test");
  expect(await question.getByTestId("inline-button").allTextContents()).toEqual(["Yes", "No"]);
  await question.getByTestId("inline-button").filter({ hasText: "Yes" }).click();
  const [, press] = await updates(2);
  expect(press!.callback_query).toMatchObject({ data: "approval:1:yes", from: { id: ALICE }, message: { text: "Run npm test?" } });
  expect((await callBot(telegram, "answerCallbackQuery", { callback_query_id: press!.callback_query.id, text: "Approved" })).status).toBe(200);
  await expect.poll(() => page.getByTestId("tap-answer").textContent()).toBe("Approved");
  // Telegram's toast: neutral (dark and translucent, white text), not an error's red, and clear of the newest message.
  const toast = page.getByTestId("tap-answer");
  const colours = await toast.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, text: getComputedStyle(el).color }));
  const [r, g, b, alpha] = (colours.background.match(/[\d.]+/g) ?? []).map(Number);
  expect(r === g && g === b && r! < 60 && alpha! < 1).toBe(true);
  expect(colours.text).toBe("rgb(255, 255, 255)");
  expect(await apart(toast, bubbles("out").last())).toBe(true);
  expect(pageErrors).toEqual([]);
});

it("shows a bot's answer to a press clear of the newest message in a full chat too", { timeout: 30_000 }, async () => {
  await page.getByTestId("composer").fill("run the tests");
  await page.getByTestId("send").click();
  await updates(1);
  for (let i = 1; i <= 12; i++) await sendAsBot("sendMessage", { text: `Line ${i} of a long answer that fills the screen` });
  await sendAsBot("sendMessage", { text: "Run it again?", reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "again:yes" }]] } });
  const question = bubbles("out").filter({ hasText: "Run it again?" });
  await question.getByTestId("inline-button").click();
  const [, press] = await updates(2);
  expect((await callBot(telegram, "answerCallbackQuery", { callback_query_id: press!.callback_query.id, text: "Yes ✓" })).status).toBe(200);
  const toast = page.getByTestId("tap-answer");
  await expect.poll(() => toast.textContent()).toBe("Yes ✓");
  expect(await apart(toast, question)).toBe(true);
  expect(pageErrors).toEqual([]);
});

it("edits a message in place: the same bubble, the new text, marked edited", { timeout: 30_000 }, async () => {
  await page.getByTestId("composer").fill("long job");
  await page.getByTestId("send").click();
  await updates(1);
  const { message_id } = await sendAsBot("sendMessage", { text: "Working… step 1 of 3" });
  await bubbles("out").filter({ hasText: "step 1 of 3" }).waitFor();
  await sendAsBot("editMessageText", { message_id, text: "Done: 3 of 3 steps" });
  const edited = page.locator(`[data-testid=message][data-message-id="${message_id}"]`);
  await expect.poll(() => edited.getByTestId("message-body").textContent()).toBe("Done: 3 of 3 steps");
  await edited.getByTestId("edited").waitFor();
  expect(await bubbles("out").count()).toBe(1);
  expect(pageErrors).toEqual([]);
});

it("shows the bot's photo and document, and sends the user's file as a document the bot can fetch", { timeout: 30_000 }, async () => {
  await page.getByTestId("composer").fill("send me the report");
  await page.getByTestId("send").click();
  await updates(1);
  for (const [method, field, bytes, type, name] of [["sendPhoto", "photo", PNG, "image/png", "diff.png"], ["sendDocument", "document", PDF, "application/pdf", "coverage.pdf"]] as const) {
    const form = new FormData();
    form.set("chat_id", String(ALICE));
    form.set(field, new Blob([new Uint8Array(bytes)], { type }), name);
    if (field === "photo") form.set("caption", "The diff");
    expect((await fetch(`${telegram.url}/bot${BOT_TOKEN}/${method}`, { method: "POST", body: form })).status).toBe(200);
  }
  const image = page.getByTestId("media-image");
  await image.waitFor();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2);
  await bubbles("out").filter({ hasText: "The diff" }).waitFor();
  await expect.poll(() => page.getByTestId("media-document").textContent()).toContain("coverage.pdf");
  const href = await page.getByTestId("media-document").getAttribute("href");
  expect(Buffer.from(await (await fetch(`${emulator.url}${href}`)).arrayBuffer())).toEqual(PDF);

  await page.getByTestId("file-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("my notes\n") });
  await page.getByTestId("composer").fill("here are my notes");
  await page.getByTestId("send").click();
  const [, upload] = await updates(2);
  expect(upload!.message).toMatchObject({ caption: "here are my notes", document: { file_name: "notes.txt", mime_type: "text/plain" } });
  const file = await callBot(telegram, "getFile", { file_id: upload!.message.document.file_id });
  const path = (file.body as { result: { file_path: string } }).result.file_path;
  expect(await (await fetch(`${telegram.url}/file/bot${BOT_TOKEN}/${path}`)).text()).toBe("my notes\n");
  expect(pageErrors).toEqual([]);
});

it("offers only what the simulator may reach of the stand-in, and says when there is none", { timeout: 30_000 }, async () => {
  expect((await fetch(`${emulator.url}/__telegram/bot`)).status).toBe(404);
  expect((await fetch(`${emulator.url}/__telegram/faults`, { method: "POST", body: "{}" })).status).toBe(404);
  const bare = perTest.track(await startEmulator(), (e) => e.close());
  await page.goto(`${bare.url}/?channel=telegram`);
  await expect.poll(() => page.getByTestId("conversation").textContent()).toContain("No Telegram stand-in");
  expect(await page.getByTestId("channel-telegram").isHidden()).toBe(true);
});

it("shows the bot's sendVoice as a voice note of the duration it gave, which plays", { timeout: 30_000 }, async () => {
  await page.getByTestId("composer").fill("what happened?");
  await page.getByTestId("send").click();
  await updates(1);
  // 45 characters: 3 s from the offline speech model.
  const voice = speakOffline({ text: "I ran the tests in api, and all twelve pass!!", speaker: "angus", encoding: "opus", container: "ogg" }).bytes;
  const form = new FormData();
  for (const [key, value] of Object.entries({ chat_id: String(ALICE), duration: "3", caption: "12 pass" })) form.set(key, value);
  form.set("voice", new Blob([voice], { type: "audio/ogg" }), "reply.ogg");
  expect((await fetch(`${telegram.url}/bot${BOT_TOKEN}/sendVoice`, { method: "POST", body: form })).status).toBe(200);
  const note = bubbles("out").filter({ hasText: "12 pass" }).getByTestId("media-voice");
  await note.waitFor();
  expect(await note.getByTestId("voice-length").textContent()).toBe("0:03");
  const played = await playBriefly(note.getByTestId("media-audio"));
  expect(played.error).toBeNull();
  expect(played.at).toBeGreaterThanOrEqual(0.25);
  expect(pageErrors).toEqual([]);
});
