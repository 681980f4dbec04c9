// The simulator in headless Chromium on a phone-sized screen: quick-reply buttons, attaching a file, media both ways.
import { mkdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { launchChromium } from "../../emulator/tools/chromium";
import { createResources, useResources, type Resources } from "../helpers/resources";
import { basicAuth, createContent, messagesUrl, postForm, sendMessage, startEmulator, startReceiver } from "./helpers";

const ALICE = "+15551230001";
/** An iPhone-sized screen. */
const PHONE = { width: 390, height: 844 };
/** A 2×2 red PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR42mP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

/** The relay's media route, stood in for. */
const SERVED: Record<string, { type: string; body: Buffer; name?: string }> = {
  "/shot.png": { type: "image/png", body: PNG },
  "/voice.ogg": { type: "audio/ogg", body: Buffer.from("OggS voice") },
  "/m/abc123": { type: "application/pdf", body: PDF, name: "coverage-report.pdf" },
};

let browser: Browser;
const resources = useResources();
beforeAll(async () => {
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 60_000);

let perTest: Resources;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
let files: string;
let page: Page;
/** Script errors and console errors, a blocked Content-Security-Policy among them. */
let pageErrors: string[];
beforeEach(async () => {
  perTest = createResources();
  receiver = perTest.track(await startReceiver(), (r) => r.close());
  emulator = perTest.track(
    await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, statusDelayMs: 20, users: [{ phone: ALICE, name: "Alice" }] }),
    (e) => e.close(),
  );
  const server = createServer((req, res) => {
    const file = SERVED[req.url ?? ""];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type, ...(file.name ? { "content-disposition": `attachment; filename="${file.name}"` } : {}) }).end(file.body);
  });
  perTest.track(server, (s) => new Promise<void>((resolve) => s.close(() => resolve())));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  files = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  page = perTest.track(await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true }), (p) => p.context().close());
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => void (message.type() === "error" && pageErrors.push(message.text())));
  await page.goto(`${emulator.url}/?phone=${encodeURIComponent(ALICE)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();
});
afterEach(() => perTest.releaseAll());

const bubbles = (direction: "in" | "out") => page.locator(`[data-testid=message][data-direction=${direction}]`);

it("fits a phone's width: no sideways scrolling, composer and send in view", { timeout: 30_000 }, async () => {
  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: `A long line without breaks: ${"x".repeat(300)}` });
  await bubbles("out").waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  for (const id of ["composer", "send", "attach"]) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height).toBe(true);
  }
  expect(pageErrors).toEqual([]);
});

it("shows a quick reply's buttons under the message; tapping one posts the signed tap and shows the answer", { timeout: 30_000 }, async () => {
  const response = await sendMessage(emulator, {
    To: `whatsapp:${ALICE}`,
    ContentSid: await createContent(emulator),
    ContentVariables: JSON.stringify({ 1: "npm test", 2: "r7" }),
  });
  const { sid } = (await response.json()) as { sid: string };
  const prompt = bubbles("out");
  await prompt.getByTestId("quick-reply").first().waitFor();
  expect(await prompt.getByTestId("message-body").textContent()).toBe("Allow npm test?");
  expect(await prompt.getByTestId("quick-reply").allTextContents()).toEqual(["Yes", "No", "Always"]);

  await prompt.getByTestId("quick-reply").filter({ hasText: "Always" }).tap();
  const [post] = await receiver.waitFor(1);
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toMatchObject({ Body: "Always", ButtonText: "Always", ButtonPayload: "always-r7", OriginalRepliedMessageSid: sid, MessageType: "interactive" });
  const answer = bubbles("in");
  await answer.and(page.locator("[data-status=delivered]")).waitFor();
  expect(await answer.getByTestId("message-body").textContent()).toBe("Always");
  expect(await answer.getByTestId("reply-quote").textContent()).toBe("Allow npm test?");
});

it("attaches a file from disk with a caption and posts it as Twilio's media webhook", { timeout: 30_000 }, async () => {
  const dir = perTest.track(await mkdtemp(join(tmpdir(), "simulator-attach-")), (d) => rm(d, { recursive: true, force: true }));
  const path = join(dir, "screen.png");
  await writeFile(path, PNG);

  await page.getByTestId("file-input").setInputFiles(path);
  await page.getByTestId("pending-attachment").filter({ hasText: "screen.png" }).waitFor();
  await page.getByTestId("composer").fill("this fails");
  await page.getByTestId("send").tap();

  const [post] = await receiver.waitFor(1);
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toMatchObject({ NumMedia: "1", MediaContentType0: "image/png", MessageType: "image", Body: "this fails" });
  const fetched = await fetch(post!.form.MediaUrl0!, { headers: { authorization: basicAuth() } });
  expect(Buffer.from(await fetched.arrayBuffer()).equals(PNG)).toBe(true);

  const mine = bubbles("in");
  await mine.and(page.locator("[data-status=delivered]")).waitFor();
  await expect.poll(() => mine.getByTestId("media-image").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  expect(await mine.getByTestId("message-body").textContent()).toBe("this fails");
  await page.getByTestId("pending-attachment").waitFor({ state: "hidden" });
});

it("shows sent media: an image inline, audio with a player, a document as a named link", { timeout: 30_000 }, async () => {
  for (const [path, body] of [["/shot.png", "the screenshot"], ["/voice.ogg", ""], ["/m/abc123", "the report"]] as const) {
    const form = new URLSearchParams({ To: `whatsapp:${ALICE}`, From: "whatsapp:+14155238886", MediaUrl: `${files}${path}` });
    if (body) form.set("Body", body);
    expect((await postForm(messagesUrl(emulator), form)).status).toBe(201);
  }
  const sent = bubbles("out");
  await sent.nth(2).and(page.locator("[data-status=read]")).waitFor();

  await expect.poll(() => sent.nth(0).getByTestId("media-image").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  expect(await sent.nth(0).getByTestId("message-body").textContent()).toBe("the screenshot");
  expect(await sent.nth(1).getByTestId("media-audio").evaluate((audio: HTMLAudioElement) => audio.controls)).toBe(true);
  const link = sent.nth(2).getByTestId("media-document");
  expect(await link.textContent()).toContain("coverage-report.pdf");
  const href = await link.getAttribute("href");
  expect(Buffer.from(await (await fetch(`${emulator.url}${href}`)).arrayBuffer()).equals(PDF)).toBe(true);

  expect(pageErrors).toEqual([]);
  mkdirSync("test/artifacts", { recursive: true });
  await page.screenshot({ path: "test/artifacts/emulator-simulator-phone.png" });
});
