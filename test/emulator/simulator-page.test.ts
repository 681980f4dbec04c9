// The simulator page in headless Chromium: it sends what the user types, signed, and shows replies, ticks and typing live.
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/server";
import { launchChromium } from "../../emulator/tools/chromium";
import { createResources, useResources, type Resources } from "../helpers/resources";
import { basicAuth, postForm, sendMessage, startEmulator, startReceiver } from "./helpers";

const ALICE = "+15551230001";
const BOB = "+15551230002";

let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let emulator: RunningEmulator;
let page: Page;

const resources = useResources();
beforeAll(async () => {
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 60_000);

// Each test's own servers and page, released after it even when the set-up stopped halfway.
let perTest: Resources;
beforeEach(async () => {
  perTest = createResources();
  receiver = perTest.track(await startReceiver(), (r) => r.close());
  emulator = perTest.track(
    await startEmulator({
      inboundWebhookUrl: `${receiver.url}/twilio/inbound`,
      statusDelayMs: 30,
      users: [
        { phone: ALICE, name: "Alice" },
        { phone: BOB, name: "Bob" },
      ],
    }),
    (e) => e.close(),
  );
  page = await openPhone(ALICE);
});
afterEach(() => perTest.releaseAll());

async function openPhone(phone: string): Promise<Page> {
  const opened = perTest.track(await browser.newPage({ viewport: { width: 1100, height: 760 } }), (p) => p.context().close());
  await opened.goto(`${emulator.url}/?phone=${encodeURIComponent(phone)}`);
  await opened.getByTestId("connection").filter({ hasText: "live" }).waitFor();
  return opened;
}

const bubbles = (on: Page, direction: "in" | "out") => on.locator(`[data-testid=message][data-direction=${direction}]`);

it("loads as the chosen phone and posts what the user types to the relay, signed", { timeout: 30_000 }, async () => {
  expect(await page.getByTestId("phone-select").inputValue()).toBe(ALICE);
  await page.getByTestId("composer").fill("run the tests <b>please</b>");
  await page.getByTestId("send").click();

  const [post] = await receiver.waitFor(1);
  expect(post?.signatureValid).toBe(true);
  expect(post?.form).toMatchObject({ From: `whatsapp:${ALICE}`, Body: "run the tests <b>please</b>", ProfileName: "Alice" });
  const mine = bubbles(page, "in");
  await mine.and(page.locator("[data-status=delivered]")).waitFor();
  // Escaped, not rendered: the text shows the tags and no <b> element exists.
  expect(await mine.getByTestId("message-body").textContent()).toBe("run the tests <b>please</b>");
  expect(await mine.locator("b").count()).toBe(0);
});

it("shows a reply sent through the REST API as a formatted bubble whose ticks advance to read", { timeout: 30_000 }, async () => {
  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: "*Done*: all green\n```\nnpm test\n```" });
  const reply = bubbles(page, "out");
  await reply.and(page.locator("[data-status=read]")).waitFor();
  expect(await reply.locator("strong").textContent()).toBe("Done");
  expect(await reply.locator("pre").textContent()).toBe("npm test");
  expect(await reply.getByTestId("ticks").locator("svg").count()).toBe(1);
  mkdirSync("test/artifacts", { recursive: true });
  await page.screenshot({ path: "test/artifacts/emulator-simulator.png" });
});

it("shows the typing bubble for the answered message and drops it when the reply arrives", { timeout: 30_000 }, async () => {
  await page.getByTestId("composer").fill("status?");
  await page.getByTestId("composer").press("Enter");
  const [post] = await receiver.waitFor(1);
  const typing = await postForm(
    `${emulator.url}/v2/Indicators/Typing.json`,
    { messageId: post!.form.MessageSid!, channel: "whatsapp" },
    basicAuth(),
  );
  expect(typing.status).toBe(200);
  await page.getByTestId("typing").waitFor();
  await bubbles(page, "in").and(page.locator("[data-status=read]")).waitFor();

  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: "all good" });
  await page.getByTestId("typing").waitFor({ state: "detached" });
  expect(await bubbles(page, "out").getByTestId("message-body").textContent()).toBe("all good");
});

it("keeps two phones apart: a second tab as Bob sees only Bob's conversation", { timeout: 30_000 }, async () => {
  const bob = await openPhone(BOB);
  await sendMessage(emulator, { To: `whatsapp:${ALICE}`, Body: "for alice" });
  await sendMessage(emulator, { To: `whatsapp:${BOB}`, Body: "for bob" });
  await bubbles(page, "out").filter({ hasText: "for alice" }).waitFor();
  await bubbles(bob, "out").filter({ hasText: "for bob" }).waitFor();
  expect(await page.getByTestId("message").allTextContents()).not.toContainEqual(expect.stringContaining("for bob"));
  expect(await bob.getByTestId("message").allTextContents()).not.toContainEqual(expect.stringContaining("for alice"));
  expect(await bob.getByTestId("phone-select").inputValue()).toBe(BOB);
});
