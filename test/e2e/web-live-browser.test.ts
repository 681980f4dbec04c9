// The page watching a run live, in a real headless Chromium at 390×844 with touch, against the real
// stack: wrangler dev, the VM running the real Claude Code CLI on the offline model, the Twilio
// emulator. With approvals on, a run asks before its command; /web opens the page at its live
// part, which says "live"; "Yes, allow" on the page runs the command, the chat says it was
// answered on the page, and the run's next events appear on the page in order, with no reload.
// And the change's page: /diff's link opens at the diff, and no bar covers the review's hint. And a
// page opened before any run of its conversation shows the run live once one starts, with no reload,
// or, its link revoked meanwhile, says the link ended.
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, it, onTestFinished } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { useResources } from "../helpers/resources";
import { eventually, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { postInbound } from "./helpers/signed-inbound";

const PHONE = PHONES[3];
let stack: E2eStack;
let browser: Browser;
const resources = useResources();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack("web-live", resources), resources.track(launchChromium(), (b) => b.close())]);
});

const send = async (text: string) => expect((await postInbound(stack, PHONE, text)).status).toBe(200);
const sent = () => sentTo(stack.urls.twilio, PHONE);
/** The first message after the `after` first ones whose body matches. */
const receivedAfter = (after: number, pattern: RegExp) =>
  eventually(`a message matching ${pattern}`, async () => (await sent()).slice(after).find((m) => pattern.test(m.body ?? ""))?.body ?? undefined, 120_000);
const linkIn = (body: string) => /(http:\/\/\S+\/web\/[A-Za-z0-9_-]{22}(?:#[a-z]+)?)(?:\s|$)/.exec(body)?.[1] ?? "";

async function phonePage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  onTestFinished(() => page.close());
  return page;
}

it("shows a run live at 390 px: an approval answered on the page runs the command, the chat says so, the events come in order without a reload", async () => {
  let before = (await sent()).length;
  await send("/approvals on");
  await receivedAfter(before, /^Approvals in main: on/);
  before = (await sent()).length;
  await send(`[[tool Bash ${JSON.stringify({ command: "echo live-check | tee live.txt" })}]] write it`);
  await receivedAfter(before, /^🔐 Approval/);
  before = (await sent()).length;
  await send("/web");
  const link = linkIn(await receivedAfter(before, /\/web\/[A-Za-z0-9_-]{22}/));
  expect(link).toMatch(/#live$/);

  const page = await phonePage();
  expect((await page.goto(link))?.status()).toBe(200);
  await page.locator(".live-state", { hasText: /^live$/ }).waitFor();
  // Opened at the live part: it is in view.
  expect(await page.locator("#live").evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(100);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  const asked = page.locator("li.approval", { hasText: "live-check" });
  await asked.waitFor();

  before = (await sent()).length;
  const yes = asked.getByRole("button", { name: "Yes, allow" });
  expect((await yes.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await yes.tap();
  expect(await receivedAfter(before, /\(answered on the page\)$/)).toMatch(/^✅ Allowed/);
  // The command ran: the agent's answer names its output.
  await receivedAfter(before, /The Bash tool answered[\s\S]*live-check/);
  await page.locator(".live-events li.end").waitFor({ timeout: 60_000 });

  const shown = await page.locator(".live-events li").evaluateAll((items) => items.map((li) => ({ kind: li.className, seq: Number(li.getAttribute("data-seq")) })));
  const kinds = shown.map((e) => e.kind);
  // In the order they happened, each once: the question, its answer, the agent's text, the end.
  const at = (kind: string) => kinds.indexOf(kind);
  expect(at("approval")).toBeGreaterThanOrEqual(0);
  expect(at("approval")).toBeLessThan(at("answered"));
  expect(at("answered")).toBeLessThan(at("text"));
  expect(at("text")).toBeLessThan(at("end"));
  const seqs = shown.map((e) => e.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  // No reload happened: the page is the one opened.
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

it("opens /diff's link at the change at 390 px, and no bar covers the end of the review's hint", async () => {
  let before = (await sent()).length;
  await send("/approvals off");
  await receivedAfter(before, /^Approvals in main: off/);
  before = (await sent()).length;
  await send(`[[tool Write ${JSON.stringify({ file_path: "notes.txt", content: "alpha\nbeta gamma\n" })}]] write the notes`);
  await receivedAfter(before, /1 file changed, \+2 −0/);
  before = (await sent()).length;
  await send("/diff");
  const link = linkIn(await receivedAfter(before, /^Last change/));
  expect(link).toMatch(/#change$/);

  const page = await phonePage();
  expect((await page.goto(link))?.status()).toBe(200);
  await page.locator("#change .diff").waitFor();
  // The diff is where the page opens, not under 5,000 px of transcript.
  const top = await page.locator("#change").evaluate((el) => el.getBoundingClientRect().top);
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(100);

  // The hint's last line, scrolled to the bottom of the screen, is the hint's, not a bar's over it.
  const hint = page.locator(".review-hint");
  await hint.waitFor();
  const covered = await hint.evaluate((el) => {
    el.scrollIntoView({ block: "end" });
    const r = el.getBoundingClientRect();
    const atEnd = document.elementFromPoint(r.left + 10, r.bottom - 4);
    return atEnd === el || el.contains(atEnd) ? null : (atEnd?.className ?? "nothing");
  });
  expect(covered).toBeNull();
});

/** A new conversation's page, opened before any run of it: its live part hidden, its socket open. */
async function pageBeforeAnyRun(name: string): Promise<Page> {
  let before = (await sent()).length;
  await send(`/new ${name}`);
  await receivedAfter(before, new RegExp(name));
  before = (await sent()).length;
  await send("/web");
  const link = linkIn(await receivedAfter(before, /\/web\/[A-Za-z0-9_-]{22}/));
  expect(link).not.toMatch(/#live$/);
  const page = await phonePage();
  expect((await page.goto(link))?.status()).toBe(200);
  expect(await page.locator("#live").isHidden()).toBe(true);
  await page.locator(".live-state", { hasText: /^live$/ }).waitFor({ state: "attached" });
  return page;
}

it("a page opened before any run of its conversation shows the run live when one starts, with no reload", async () => {
  const page = await pageBeforeAnyRun("watch");
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await send("say hello to the watcher");
  await page.locator(".live-events li.end").waitFor({ timeout: 60_000 });
  expect(await page.locator("#live").isVisible()).toBe(true);
  const kinds = await page.locator(".live-events li").evaluateAll((items) => items.map((li) => li.className));
  expect(kinds[0]).toBe("start");
  expect(kinds.at(-1)).toBe("end");
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});

it("a page waiting for a run whose link is revoked says so", async () => {
  const page = await pageBeforeAnyRun("quiet");
  await send("/web revoke");
  await page.locator(".live-state", { hasText: /^ended$/ }).waitFor();
  expect(await page.locator(".live-note").textContent()).toMatch(/Send \/web in the chat for a fresh one/);
});
