// The simulator's "typing…" at a phone's size (390×844) in headless Chromium, as WhatsApp shows
// it: on when the relay asks, off when a message arrives, and off by itself after the typing
// time at most (WhatsApp's 25 s; the emulator's `typingMs`, short here so no test waits 25 s).
import type { Browser, Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { launchChromium } from "../../emulator/tools/chromium";
import { createResources, useResources, type Resources } from "../helpers/resources";
import { basicAuth, postForm, sendMessage, startEmulator, startReceiver } from "./helpers";

const ALICE = "+15551230011";
/** Long enough for a second page to open on a loaded machine while the first one types. */
const TYPING_MS = 5_000;

let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
let perTest: Resources;

const resources = useResources();
beforeAll(async () => {
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 60_000);

beforeEach(async () => {
  perTest = createResources();
  receiver = perTest.track(await startReceiver(), (r) => r.close());
  emulator = perTest.track(await startEmulator({ inboundWebhookUrl: `${receiver.url}/twilio/inbound`, statusDelayMs: 30, typingMs: TYPING_MS, users: [{ phone: ALICE, name: "Alice" }] }), (e) => e.close());
});
afterEach(() => perTest.releaseAll());

async function openPhone(): Promise<Page> {
  const page = perTest.track(await browser.newPage({ viewport: { width: 390, height: 844 } }), (p) => p.context().close());
  await page.goto(`${emulator.url}/?phone=${encodeURIComponent(ALICE)}`);
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();
  return page;
}

/** The user writes from the page; the relay's typing request answers that message. */
async function writeAndType(page: Page): Promise<number> {
  await page.getByTestId("composer").fill("status?");
  await page.getByTestId("composer").press("Enter");
  const [post] = await receiver.waitFor(1);
  const typing = await postForm(`${emulator.url}/v2/Indicators/Typing.json`, { messageId: post!.form.MessageSid!, channel: "whatsapp" }, basicAuth());
  expect(typing.status).toBe(200);
  return Date.now();
}

const typingShown = (page: Page) => page.locator("#subtitle.typing-now", { hasText: "typing…" });

it("shows typing… on the relay's request and drops it when a message arrives", { timeout: 30_000 }, async () => {
  const page = await openPhone();
  await writeAndType(page);
  await typingShown(page).waitFor();
  await page.getByTestId("typing").waitFor();
  // The bubble fits the phone's width.
  const box = await page.getByTestId("typing").boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);

  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: "Approve? Run a command: echo hello > notes.txt" });
  await page.getByTestId("typing").waitFor({ state: "detached" });
  expect(await typingShown(page).count()).toBe(0);
});

it("drops typing… by itself after the typing time when no message follows", { timeout: 30_000 }, async () => {
  const page = await openPhone();
  const askedAt = await writeAndType(page);
  await page.getByTestId("typing").waitFor();
  await page.getByTestId("typing").waitFor({ state: "detached", timeout: TYPING_MS + 5_000 });
  const shownFor = Date.now() - askedAt;
  expect(shownFor).toBeGreaterThanOrEqual(TYPING_MS - 100);
  expect(await typingShown(page).count()).toBe(0);
});

it("a page opened while typing is on shows it, and drops it at the same time", { timeout: 30_000 }, async () => {
  const first = await openPhone();
  const askedAt = await writeAndType(first);
  const later = await openPhone();
  await later.getByTestId("typing").waitFor({ timeout: TYPING_MS });
  await later.getByTestId("typing").waitFor({ state: "detached", timeout: TYPING_MS + 5_000 });
  expect(Date.now() - askedAt).toBeGreaterThanOrEqual(TYPING_MS - 100);
});
