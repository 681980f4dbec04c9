// A run's tool calls and its coloured diff on the private page, in a real headless Chromium,
// against the real stack: wrangler dev, the VM running the real Claude Code CLI on the offline
// model, and the Twilio emulator whose phone simulator sends the messages. Two runs write the
// same file with the Write tool (the second changes a line, so the diff has a removed line too,
// and lines that hold markup); the /web link the simulator receives opens the page: the
// transcript, the run's tool calls, and its diff drawn by the VM, added lines green, removed
// red, the markup shown as text and never run.
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, it, onTestFinished } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { useResources } from "../helpers/resources";
import { eventually, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { openPhone, screenshot, type } from "./helpers/simulator-page";

const PHONE = PHONES[0];
const SCRIPT = '<script>document.title="pwned"</script>';
const IMG = "<img src=x onerror=\"document.title='pwned'\">";
const write = (content: string, words: string) => `[[tool Write ${JSON.stringify({ file_path: "notes.txt", content })}]] ${words}`;

let stack: E2eStack;
let browser: Browser;
const resources = useResources();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack("web-page-run-diff", resources), resources.track(launchChromium(), (b) => b.close())]);
});

/** The first message the emulator received for the phone after `after` whose body matches. */
async function receivedAfter(after: number, pattern: RegExp): Promise<string> {
  return eventually(`a message matching ${pattern}`, async () => (await sentTo(stack.urls.twilio, PHONE)).slice(after).find((m) => pattern.test(m.body ?? ""))?.body ?? undefined);
}

/** Types `text` in the simulator and waits for the message the relay sends that matches `pattern`. */
async function say(phone: Page, text: string, pattern: RegExp): Promise<string> {
  const before = (await sentTo(stack.urls.twilio, PHONE)).length;
  await type(phone, text);
  return receivedAfter(before, pattern);
}

/** A CSS colour `rgb(r, g, b)` as numbers. */
const rgb = (css: string) => (/rgba?\((\d+), (\d+), (\d+)/.exec(css)?.slice(1, 4) ?? []).map(Number) as [number, number, number];

it("opens the /web link the simulator received after two real runs: the transcript, the run's tool calls, its diff coloured, markup as text", async () => {
  const phone = await openPhone(browser, stack.urls.twilio, PHONE);
  onTestFinished(() => phone.close());
  expect(await say(phone, write("hello\nold line\n", "write the notes"), /^1 file changed, \+2 −0/)).toContain("/diff to see");
  expect(await say(phone, write(`hello\nnew line\n${SCRIPT}\n${IMG}\n`, "change the notes"), /^1 file changed, \+3 −1/)).toContain("/undo to take back");
  const link = /(http:\/\/\S+\/web\/[A-Za-z0-9_-]{22})(?:\s|$)/.exec(await say(phone, "/web", /\/web\/[A-Za-z0-9_-]{22}/))![1]!;

  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  onTestFinished(() => page.close());
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("dialog", (d) => void d.dismiss());
  expect((await page.goto(link))?.status()).toBe(200);
  const text = await page.locator("body").innerText();
  // The transcript.
  expect(text).toContain("write the notes");
  expect(text).toContain("change the notes");
  // Each run's tool calls: the CLI's Write, its file.
  const tools = page.locator("ol.tools li");
  expect(await tools.allInnerTexts()).toEqual(["Write notes.txt", "Write notes.txt"]);

  // The newest change inline, drawn by the VM: a removed and three added lines.
  const diff = page.locator(".latest-change .diff");
  await diff.locator(".d2h-file-name", { hasText: "notes.txt" }).waitFor();
  const added = diff.locator("td.d2h-ins:not(.d2h-code-linenumber)");
  const removed = diff.locator("td.d2h-del:not(.d2h-code-linenumber)");
  expect(await added.allInnerTexts()).toEqual([expect.stringContaining("new line"), expect.stringContaining(SCRIPT), expect.stringContaining(IMG)]);
  expect(await removed.allInnerTexts()).toEqual([expect.stringContaining("old line")]);
  const [ar, ag, ab] = rgb(await added.first().evaluate((el) => getComputedStyle(el).backgroundColor));
  const [rr, rg, rb] = rgb(await removed.first().evaluate((el) => getComputedStyle(el).backgroundColor));
  expect(ag > ar && ag > ab, `added line ${ar},${ag},${ab} is green-ish`).toBe(true);
  expect(rr > rg && rr > rb, `removed line ${rr},${rg},${rb} is red-ish`).toBe(true);
  // The markup in the file is text: no element of it, nothing ran.
  expect(await diff.locator("script, img").count()).toBe(0);
  expect(await page.title()).toBe("Your agent's work");
  await page.locator("ol.runs").scrollIntoViewIfNeeded();
  await screenshot(page, "web-page-run-diff");
  await diff.scrollIntoViewIfNeeded();
  await screenshot(page, "web-page-run-diff-inline");

  // The older run's diff on its own page, through a link that needs no JavaScript.
  await page.getByRole("link", { name: "its diff and tool calls" }).first().click();
  await page.locator(".diff .d2h-file-name", { hasText: "notes.txt" }).waitFor();
  expect(await page.locator(".diff td.d2h-ins:not(.d2h-code-linenumber)").allInnerTexts()).toEqual([expect.stringContaining("hello"), expect.stringContaining("old line")]);
  expect(page.url()).toMatch(/\/web\/[A-Za-z0-9_-]{22}\/runs\/[A-Za-z0-9_-]+$/);
  // Everything came from the relay: the pages and their stylesheet.
  expect(requests.every((u) => u.startsWith(stack.urls.worker)), requests.join(" ")).toBe(true);
});
