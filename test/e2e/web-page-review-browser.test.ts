// A review from the phone, in a real headless Chromium at 390×844 with touch, against the real
// stack: wrangler dev, the VM running the real Claude Code CLI on the offline model (run in this
// process, so the test reads what the agent asked it), and the Twilio emulator's phone simulator.
// A run writes a file; the /web link opens the conversation's page, whose link opens the run's own
// page; a tap on a line of its diff opens a comment box in view, the comment is added, a reload
// shows the draft (kept by the relay), and "Send review" sends it: the chat says so, and the
// agent's next request to the model holds the file, the line, its text and the comment.
import type { Browser } from "playwright-core";
import { beforeAll, expect, it, onTestFinished } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { useResources } from "../helpers/resources";
import { eventually, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { openPhone, screenshot, type } from "./helpers/simulator-page";

const PHONE = PHONES[0];
const COMMENT = "Please call it delta, not beta";

let stack: E2eStack;
let browser: Browser;
const resources = useResources();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack("web-page-review", resources, { recordModel: true }), resources.track(launchChromium(), (b) => b.close())]);
});

/** The first message the emulator received for the phone after `after` whose body matches. */
async function receivedAfter(after: number, pattern: RegExp): Promise<string> {
  return eventually(`a message matching ${pattern}`, async () => (await sentTo(stack.urls.twilio, PHONE)).slice(after).find((m) => pattern.test(m.body ?? ""))?.body ?? undefined);
}

/** Every request the agent's CLI made to the model whose JSON holds `text`. */
const modelRequestsWith = (text: string) => stack.model!.requests.filter((r) => r.method === "POST" && r.path === "/v1/messages" && JSON.stringify(r.body).includes(text));

it("comments on a line of a run's diff at 390 px, keeps the draft over a reload, and sends it: the agent's next request holds the anchored comment", async () => {
  const phone = await openPhone(browser, stack.urls.twilio, PHONE);
  onTestFinished(() => phone.close());
  let before = (await sentTo(stack.urls.twilio, PHONE)).length;
  await type(phone, `[[tool Write ${JSON.stringify({ file_path: "notes.txt", content: "alpha\nbeta gamma\n" })}]] write the notes`);
  await receivedAfter(before, /^1 file changed, \+2 −0/);
  before = (await sentTo(stack.urls.twilio, PHONE)).length;
  await type(phone, "/web");
  const link = /(http:\/\/\S+\/web\/[A-Za-z0-9_-]{22})(?:\s|$)/.exec(await receivedAfter(before, /\/web\/[A-Za-z0-9_-]{22}/))![1]!;

  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  onTestFinished(() => page.close());
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  expect((await page.goto(link))?.status()).toBe(200);
  // The run's own page, from its link on the conversation's page.
  await page.getByRole("link", { name: "its diff and tool calls" }).tap();
  await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+$/);
  const runPage = page.url();

  // A tap on the line opens the box under it, in view, its controls at least 44 px.
  const line = page.locator('.diff tr[data-file="notes.txt"][data-side="new"][data-line="2"]');
  expect(await line.innerText()).toContain("beta gamma");
  expect((await line.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await line.tap();
  const box = page.locator(".review-box");
  await box.waitFor();
  expect(await box.locator(".review-anchor").innerText()).toBe("Comment on notes.txt, new line 2");
  const inView = await box.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= (window.visualViewport?.height ?? window.innerHeight);
  });
  expect(inView).toBe(true);
  await box.getByRole("textbox").fill(COMMENT);
  const add = box.getByRole("button", { name: "Add comment" });
  expect((await add.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await add.tap();
  await page.locator(".review-count", { hasText: "1 comment in your draft review." }).waitFor();
  await screenshot(page, "web-page-review-draft");

  // Reloaded, the draft is there: the relay keeps it.
  await page.reload();
  expect(page.url()).toBe(runPage);
  await page.locator(".review-count", { hasText: "1 comment in your draft review." }).waitFor();
  expect(await page.locator(".review-comments li").innerText()).toContain(COMMENT);
  expect(await page.locator(".review-comments li .review-anchor").innerText()).toBe("notes.txt, new line 2");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // Sent: the page and the chat say so, and the agent asks the model with the review in its prompt.
  before = (await sentTo(stack.urls.twilio, PHONE)).length;
  const send = page.getByRole("button", { name: "Send review" });
  expect((await send.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await send.tap();
  await page.locator(".review-status", { hasText: "Sent to the agent: 1 comment." }).waitFor();
  await receivedAfter(before, /^📝 Review sent to the agent: 1 comment on 1 file\.$/);
  const asked = await eventually("the model asked with the comment", async () => modelRequestsWith(COMMENT)[0]);
  const prompt = JSON.stringify(asked.body);
  expect(prompt).toContain("notes.txt, new line 2:");
  expect(prompt).toContain("> beta gamma");
  expect(prompt).toContain(COMMENT);
  expect(await page.locator(".review-count").innerText()).toBe("No comments in your draft review.");
  // Everything the page loaded came from the relay.
  expect(requests.every((u) => u.startsWith(stack.urls.worker)), requests.join(" ")).toBe(true);
});
