// The simulator shows the relay's messages as WhatsApp does, in headless Chromium on a phone-sized
// screen: its formatting rendered, a template's buttons under its text with nothing of the
// template's id, and the newest message kept in view when a picture loads after it arrived.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32, deflateSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { CDN_PREFIX } from "../../emulator/routes/media-api";
import { launchChromium } from "../../emulator/tools/chromium";
import { createResources, useResources, type Resources } from "../helpers/resources";
import { createContent, messagesUrl, postForm, sendMessage, startEmulator } from "./helpers";

const ALICE = "+15551230001";
const PHONE = { width: 390, height: 844 };

/** A PNG of one colour, `width` × `height`: big enough that its height matters to the scroll. */
function solidPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

let browser: Browser;
const resources = useResources();
beforeAll(async () => {
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 60_000);

let perTest: Resources;
let emulator: RunningEmulator;
let page: Page;
let pageErrors: string[];
beforeEach(async () => {
  perTest = createResources();
  emulator = perTest.track(await startEmulator({ statusDelayMs: 20, users: [{ phone: ALICE, name: "Alice" }] }), (e) => e.close());
  page = perTest.track(await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true }), (p) => p.context().close());
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => void (message.type() === "error" && pageErrors.push(message.text())));
  await page.goto(`${emulator.url}/?phone=${encodeURIComponent(ALICE)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();
}, 30_000);
afterEach(() => perTest.releaseAll());

const replies = () => page.locator("[data-testid=message][data-direction=out]");

it("renders WhatsApp's formatting: bold, italic, strike, mono, inline code and a quote, with no marks left", { timeout: 30_000 }, async () => {
  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: "*Done* in _3 s_, ~slow~\n> what you asked\n> on two lines\nRun `npm test` again:\n```\nnpm test -- --watch\n```" });
  const body = replies().getByTestId("message-body");
  await body.waitFor();
  expect(await body.locator("strong").textContent()).toBe("Done");
  expect(await body.locator("em").textContent()).toBe("3 s");
  expect(await body.locator("del").textContent()).toBe("slow");
  expect(await body.locator("blockquote").textContent()).toBe("what you asked\non two lines");
  expect(await body.locator("code").textContent()).toBe("npm test");
  expect(await body.locator("pre").textContent()).toBe("npm test -- --watch");
  // What the reader sees: the words, none of the marks.
  expect(await body.innerText()).not.toMatch(/[*_~`]|^>/m);
  expect(pageErrors).toEqual([]);
});

it("shows a template's buttons under its text, with no template header", { timeout: 30_000 }, async () => {
  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, ContentSid: await createContent(emulator), ContentVariables: JSON.stringify({ 1: "*npm test*", 2: "r7" }) });
  const prompt = replies();
  await prompt.getByTestId("quick-reply").first().waitFor();
  // The bubble holds the text (formatted) and its time, as WhatsApp shows it: no "Template HX…".
  const bubble = prompt.locator(".bubble");
  expect(await bubble.innerText()).not.toMatch(/template|HX[0-9a-f]/i);
  expect(await bubble.getByTestId("message-body").innerText()).toBe("Allow npm test?");
  expect(await bubble.locator("strong").textContent()).toBe("npm test");
  const text = await bubble.boundingBox();
  const buttons = await prompt.getByTestId("quick-replies").boundingBox();
  expect(text && buttons && buttons.y >= text.y + text.height).toBe(true);
  expect(pageErrors).toEqual([]);
});

it("keeps the newest message in view once its picture has loaded", { timeout: 30_000 }, async () => {
  const picture = solidPng(600, 400);
  const server = createServer((_req, res) => void res.writeHead(200, { "content-type": "image/png" }).end(picture));
  perTest.track(server, (s) => new Promise<void>((resolve) => s.close(() => resolve())));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The picture reaches the page a while after its message, as a real one over a phone's network does.
  await page.route(`**${CDN_PREFIX}**`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.continue();
  });
  for (let i = 1; i <= 12; i++) await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: `Line ${i} of a long answer that fills the screen` });
  await replies().nth(11).waitFor();
  const form = new URLSearchParams({ To: `whatsapp:${ALICE}`, From: "whatsapp:+14155238886", Body: "the screenshot", MediaUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/shot.png` });
  expect((await postForm(messagesUrl(emulator), form)).status).toBe(201);
  const newest = replies().nth(12);
  await expect.poll(() => newest.getByTestId("media-image").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(600);
  // Its height known, the chat scrolls down to it: the newest message ends within the chat's view.
  await expect
    .poll(async () => {
      const wall = await page.getByTestId("conversation").boundingBox();
      const last = await newest.boundingBox();
      return wall && last ? Math.round(last.y + last.height - (wall.y + wall.height)) : null;
    })
    .toBeLessThanOrEqual(0);
  expect(pageErrors).toEqual([]);
});
