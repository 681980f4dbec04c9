// The private page against the chat, in a real headless Chromium at 390 px: a conversation with a
// normal run, a shipped pull request, a CI failure GitHub reports (signed as GitHub signs it) and the
// fix run it starts; then the page's messages, as a reader sees them, are exactly the ones the
// Twilio stand-in delivered, in the same order, with the user's own between them. The agent's
// prompt of the CI failure is never a message (only folded under its run), the webhook's secret is
// not on the page, and nothing is wider than the screen.
import type { Browser } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { signWebhook } from "../../emulator/github/core/webhook-signature";
import { launchChromium } from "../../emulator/tools/chromium";
import { REPO_ROOT } from "../../bench/lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, type StandIns, startStandIns } from "../../bench/lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../../bench/lib/webhooks";
import { startWranglerDev, type WranglerDev } from "../../bench/lib/wrangler-dev";
import { hideShownOnce } from "../../src/web/web-transcript";
import { whatsappHtml } from "../../src/web/whatsapp-markup";
import { useResources } from "../helpers/resources";

const PHONE = "+15551230051";
const REPO = "acme/web";

const resources = useResources();
let browser: Browser;
let standIns: StandIns;
let relay: WranglerDev;
let sent = 0;

beforeAll(async () => {
  standIns = resources.track(await startStandIns(), (s) => s.stop());
  relay = resources.track(await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [PHONE]) }), (r) => r.stop());
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 120_000);

/** What the user typed (or tapped), in order: the page's own messages must be these. */
const typed: string[] = [];

async function send(text: string, extra: Record<string, string> = {}): Promise<void> {
  typed.push(text);
  const url = `${relay.url}/twilio/inbound`;
  const { body, headers } = signedPost(url, { ...inboundForm({ phone: PHONE, text, sid: messageSid(++sent) }, STAND_IN_CREDENTIALS.accountSid), ...extra }, STAND_IN_CREDENTIALS.authToken);
  expect((await fetch(url, { method: "POST", body, headers })).status).toBe(200);
}

const bodies = async () => (await standIns.sentMessages()).filter((m) => m.to === `whatsapp:${PHONE}`).map((m) => m.body ?? "");

/** The first message the user got after the first `after` whose body matches `pattern`. */
async function received(pattern: RegExp, after = 0): Promise<string> {
  const until = Date.now() + 30_000;
  for (;;) {
    const found = (await bodies()).slice(after).find((b) => pattern.test(b));
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`no message matching ${pattern}: ${JSON.stringify(await bodies())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Posts a GitHub webhook as GitHub would: JSON, signed with the watch's secret. */
async function github(url: string, secret: string, event: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const headers = { "content-type": "application/json", "x-github-event": event, "x-github-delivery": crypto.randomUUID(), "x-hub-signature-256": signWebhook(secret, body), "user-agent": "GitHub-Hookshot/e2e" };
  expect((await fetch(url, { method: "POST", body, headers })).status).toBe(202);
}

it("shows at 390 px the messages the chat got, in the chat's order, the CI failure's notice and the fix run's among them", async () => {
  await send(`/new web https://github.com/${REPO}.git`);
  await received(/^Cloned /);
  await send("fix the *login* page [[vm:change src/login.ts +3 -1]]");
  await received(/^1 file changed, \+3 −1/);
  let before = (await bodies()).length;
  await send("/ship");
  await received(/^Push /, before);
  await send("Ship", { ButtonText: "Ship", ButtonPayload: "ship:yes" });
  await received(/^🚀 Opened pull request #1/, before);

  const watch = await (async () => {
    const at = (await bodies()).length;
    await send(`/github watch ${REPO}`);
    return received(/Secret: /, at);
  })();
  const secret = /Secret: ([0-9a-f]{64})/.exec(watch)![1]!;
  const url = /Payload URL: (\S+)/.exec(watch)![1]!;
  const repository = { full_name: REPO, clone_url: `https://github.com/${REPO}.git` };
  await github(url, secret, "check_run", { action: "completed", repository, check_run: { name: "test", head_sha: "abc", status: "completed", conclusion: "failure", output: { title: "test", summary: "FAIL src/login.test.ts" }, pull_requests: [] } });
  await github(url, secret, "check_suite", { action: "completed", repository, check_suite: { head_sha: "abc", head_branch: "agent/web", status: "completed", conclusion: "failure", pull_requests: [{ number: 1 }] } });
  await received(/^❌ CI failed on acme\/web#1/);
  before = (await bodies()).length;
  await send("fix it");
  await received(/^▶️ GitHub: CI failed on acme\/web#1: started a run/, before);
  await received(/^\[acme\/web#1 CI\] echo: /, before);
  before = (await bodies()).length;
  await send("/web");
  const link = /(http:\/\/127\.0\.0\.1:\d+\/web\/[A-Za-z0-9_-]{22})(?:\s|$)/.exec(await received(/\/web\//, before))![1]!;

  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  try {
    expect((await page.goto(link))?.status()).toBe(200);
    const entries = await page.locator("ol.transcript > li").evaluateAll((items) => items.map((li) => ({ from: li.className, text: li.querySelector(".text")?.textContent ?? "" })));
    // What a reader sees of each message the chat got since the conversation was made (/new and its
    // first answer were written in main), rendered the way the page renders it.
    const all = await bodies();
    const chat = all.slice(all.findIndex((b) => b.startsWith("Cloned web")));
    const seen = await page.evaluate((htmls) => htmls.map((html) => Object.assign(document.createElement("div"), { innerHTML: html }).textContent ?? ""), chat.map((b) => whatsappHtml(hideShownOnce(b))));
    expect(entries.filter((e) => e.from !== "user").map((e) => e.text)).toEqual(seen);
    expect(entries.filter((e) => e.from === "user").map((e) => e.text)).toEqual(typed.slice(1).map((t) => t.replace(/\*/g, "")));
    // Each message of the user before what answered it; the CI notice before the "fix it" it offered.
    const at = (start: string) => entries.findIndex((e) => e.text.startsWith(start));
    expect(at("fix the login page")).toBeLessThan(at("echo: fix the"));
    expect(at("❌ CI failed")).toBeLessThan(at("fix it"));
    expect(at("fix it")).toBeLessThan(at("▶️ GitHub: CI failed"));
    // The agent's prompt of the CI failure: folded under its run, never a message.
    expect(entries.some((e) => e.text.startsWith("CI failed on pull request"))).toBe(false);
    const folded = page.locator("details.event").filter({ hasText: "CI failed on pull request acme/web#1" });
    await expect.poll(() => folded.count()).toBe(1);
    expect(await folded.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    // Links are links; the secret is not on the page; nothing wider than the screen.
    expect(await page.locator('ol.transcript a[href="https://github.com/acme/web/pull/1"]').count()).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(secret);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  } finally {
    await page.close();
  }
}, 180_000);
