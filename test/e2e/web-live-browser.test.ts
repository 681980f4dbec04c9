// The page watching a run live, in a real headless Chromium at 390×844 with touch, against the real
// stack: wrangler dev, the VM running the real Claude Code CLI on the offline model, the Twilio
// emulator. With approvals on, a run asks before its command; /web opens the page at its live
// part, which says "live"; "Yes, allow" on the page runs the command, the chat says it was
// answered on the page, and the run's next events appear on the page in order, with no reload.
// And the change's page: /diff's link opens at the diff, and no bar covers the review's hint. And a
// page opened before any run of its conversation shows the run live once one starts, with no reload,
// or, its link revoked meanwhile, says the link ended. And the agent's plan, named as one, answered on the page
// with its card's three answers: "Go ahead, accept edits" writes without asking.
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

/** Every word the page's badge said, with when (the page's clock), from now on. */
async function recordBadge(page: Page): Promise<() => Promise<{ word: string; at: number }[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { badge: { word: string; at: number }[] };
    const state = document.querySelector(".live-state")!;
    w.badge = [{ word: state.textContent ?? "", at: Date.now() }];
    new MutationObserver(() => w.badge.push({ word: state.textContent ?? "", at: Date.now() })).observe(state, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { badge: { word: string; at: number }[] }).badge);
}

it("says reconnecting within 10 s of losing the network, and live again once it has caught up, each event once", async () => {
  const page = await pageBeforeAnyRun("offline");
  const badge = await recordBadge(page);
  // Online and quiet for longer than a heartbeat's silence: the relay answers its pings, the badge stays.
  await page.waitForTimeout(8_000);
  expect((await badge()).map((b) => b.word)).toEqual(["live"]);

  // The network goes (the socket stays open, as on a phone that lost its signal).
  const lostAt = await page.evaluate(() => Date.now());
  await page.context().setOffline(true);
  await page.locator(".live-state", { hasText: /^reconnecting$/ }).waitFor({ state: "attached", timeout: 12_000 });
  const noticed = (await badge()).find((b) => b.word === "reconnecting")!;
  expect(noticed.at - lostAt).toBeLessThan(10_000);

  // Meanwhile a run goes from the chat; the page gets nothing of it while offline.
  const before = (await sent()).length;
  await send("say hello while the page is offline");
  await receivedAfter(before, /hello while the page is offline/);
  expect(await page.locator(".live-events li").count()).toBe(0);
  expect((await badge()).at(-1)!.word).toBe("reconnecting");

  // Back: "live" once what it missed is on the page, every event once and in order.
  await page.context().setOffline(false);
  await page.locator(".live-state", { hasText: /^live$/ }).waitFor({ state: "attached", timeout: 15_000 });
  const shown = await page.locator(".live-events li").evaluateAll((items) => items.map((li) => ({ kind: li.className, seq: Number(li.getAttribute("data-seq")) })));
  expect(shown[0]?.kind).toBe("start");
  expect(shown.at(-1)?.kind).toBe("end");
  const seqs = shown.map((e) => e.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(await page.locator("#live").isVisible()).toBe(true);
});

/** A new conversation `name` in approval mode `mode` whose agent wrote `file` (waiting for `after` in the chat), and its page at 390 px. */
async function pageAfterWrite(name: string, mode: "on" | "off", file: { path: string; content: string; after: RegExp }): Promise<Page> {
  let before = (await sent()).length;
  await send(`/new ${name}`);
  await receivedAfter(before, new RegExp(name));
  before = (await sent()).length;
  await send(`/approvals ${mode}`);
  await receivedAfter(before, new RegExp(`^Approvals in ${name}: ${mode}`));
  before = (await sent()).length;
  await send(`[[tool Write ${JSON.stringify({ file_path: file.path, content: file.content })}]] write it`);
  await receivedAfter(before, file.after);
  before = (await sent()).length;
  await send("/web");
  const page = await phonePage();
  expect((await page.goto(linkIn(await receivedAfter(before, /\/web\/[A-Za-z0-9_-]{22}/))))?.status()).toBe(200);
  return page;
}

it("shows an edit's question once: its words, its picture, and its diff as text in a fold", async () => {
  const page = await pageAfterWrite("asks", "on", { path: "once.txt", content: "ciao\n", after: /^🔐 Approval/ });
  const asked = page.locator("li.approval", { hasText: "once.txt" });
  await asked.waitFor();
  // The words: the tool named once, the summary, no hunk header and none of the edit's lines.
  const words = await asked.locator(".live-text").innerText();
  expect(words).toMatch(/^Write once\.txt: new file, \+1$/);
  // The diff as text once, folded under the picture (open when the chat got no picture).
  expect(await asked.locator("pre").count()).toBe(1);
  const fold = asked.locator("details.live-fold");
  expect(await fold.count()).toBe(1);
  expect(await fold.locator("pre.live-diff").textContent()).toContain("+ciao");
  const pictures = await asked.locator("img.live-picture").count();
  expect(pictures).toBeLessThanOrEqual(1);
  expect(await fold.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(pictures === 0);
  // Everything the item holds, the fold's text included: the edit's line once.
  expect((await asked.textContent())!.match(/ciao/g)).toHaveLength(1);
  const before = (await sent()).length;
  await send("no");
  await receivedAfter(before, /^🚫 Denied/);
});

it("never moves a review being written when the live part appears and grows above it", async () => {
  const page = await pageAfterWrite("steady", "off", { path: "steady.txt", content: "one\ntwo\n", after: /1 file changed, \+2 −0/ });
  expect(await page.locator("#live").isHidden()).toBe(true);
  await page.locator(".live-state", { hasText: /^live$/ }).waitFor({ state: "attached" });

  // A comment being written on the change.
  await page.locator('.diff tr[data-file="steady.txt"][data-side="new"][data-line="2"]').tap();
  const box = page.locator(".review-box");
  await box.waitFor();
  await box.getByRole("textbox").fill("Say three");
  const where = () =>
    box.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const at = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(20, r.height / 2));
      return { top: Math.round(r.top), inView: r.top >= 0 && r.bottom <= window.innerHeight, ownsPoint: at !== null && el.contains(at) };
    });
  const writing = await where();
  expect(writing.inView).toBe(true);

  // A run starts from the chat meanwhile: the live part appears above and fills; the box stays put, uncovered.
  await send("say something while I write");
  await page.locator("#live .live-events li.end").waitFor({ timeout: 60_000 });
  expect(await page.locator("#live").isVisible()).toBe(true);
  expect(await where()).toEqual(writing);

  // Sent: the review's run shows live above, and the review's status stays where it was read.
  await box.getByRole("button", { name: "Add comment" }).tap();
  await page.getByRole("button", { name: "Send review" }).tap();
  const status = page.locator(".review-status", { hasText: /^Sent to the agent/ });
  await status.waitFor();
  const statusTop = () => status.evaluate((el) => Math.round(el.getBoundingClientRect().top));
  const sentAt = await statusTop();
  await expect.poll(() => page.locator("#live .live-events li.end").count(), { timeout: 60_000 }).toBe(2);
  expect(await statusTop()).toBe(sentAt);
  expect(sentAt).toBeGreaterThanOrEqual(0);
  expect(sentAt).toBeLessThan(844);
});

it("answers the agent's plan on the page with the card's three answers: 'Go ahead, accept edits' writes without asking", async () => {
  let before = (await sent()).length;
  await send("/new planned");
  await receivedAfter(before, /planned/);
  before = (await sent()).length;
  await send("/plan write 'page' to page.txt");
  await receivedAfter(before, /📋/);
  before = (await sent()).length;
  await send("/web");
  const page = await phonePage();
  expect((await page.goto(linkIn(await receivedAfter(before, /\/web\/[A-Za-z0-9_-]{22}/))))?.status()).toBe(200);
  await page.locator(".live-state", { hasText: /^live$/ }).waitFor();
  // Named as a plan, its text as written, and the card's three answers (not Yes / No).
  const plan = page.locator("li.approval[data-plan]");
  await plan.waitFor();
  expect(await plan.locator("b").textContent()).toBe(" Plan (nothing changed yet) ");
  expect(await plan.locator(".live-text").textContent()).toContain("1. Write page.txt with “page”.");
  expect(await plan.locator("button.live-answer").allTextContents()).toEqual(["Go ahead, ask before edits", "Go ahead, accept edits", "Change it"]);

  before = (await sent()).length;
  await plan.getByRole("button", { name: "Go ahead, accept edits" }).click();
  await receivedAfter(before, /edits go ahead without asking .*\(answered on the page\)/);
  await receivedAfter(before, /I wrote page\.txt/);
  // Edits accepted: the write was not asked; the page closed the plan's question.
  expect((await sent()).slice(before).some((m) => (m.body ?? "").includes("🔐"))).toBe(false);
  await plan.locator(".live-said").waitFor();
  expect(await plan.locator("button").count()).toBe(0);
});
