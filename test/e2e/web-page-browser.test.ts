// The private page in a real headless Chromium, against `wrangler dev` with the Twilio emulator
// and the VM stand-in (the lightest stack that carries a run): the link comes as a WhatsApp
// message the emulator received; the page shows the transcript with the agent's reply, the run,
// and text that tried to be markup as text; the admin's dashboard lists the user masked; an
// altered, an expired and a revoked link each get a 404.
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { launchChromium } from "../../emulator/tools/chromium";
import { REPO_ROOT } from "../../bench/lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, type StandIns, startStandIns } from "../../bench/lib/stand-ins";
import { inboundForm, messageSid, signedPost } from "../../bench/lib/webhooks";
import { startWranglerDev, type WranglerDev } from "../../bench/lib/wrangler-dev";
import { useResources } from "../helpers/resources";

const USER = "+15551230041";
const ADMIN = "+15551230042";
const PHONE_390 = "+15551230043";
/** 36 s: long enough to open the links, short enough to see one expire. */
const TTL_HOURS = "0.01";
const MARKUP = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

const resources = useResources();
let browser: Browser;
let standIns: StandIns;
let relay: WranglerDev;
let sent = 0;

beforeAll(async () => {
  standIns = resources.track(await startStandIns(), (s) => s.stop());
  relay = resources.track(
    await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [USER, ADMIN, PHONE_390], { ADMIN_SENDERS: ADMIN, WEB_LINK_TTL_HOURS: TTL_HOURS }) }),
    (r) => r.stop(),
  );
  browser = await resources.track(launchChromium(), (b) => b.close());
}, 120_000);

async function send(phone: string, text: string): Promise<void> {
  const url = `${relay.url}/twilio/inbound`;
  const { body, headers } = signedPost(url, inboundForm({ phone, text, sid: messageSid(++sent) }, STAND_IN_CREDENTIALS.accountSid), STAND_IN_CREDENTIALS.authToken);
  const response = await fetch(url, { method: "POST", body, headers });
  expect(response.status).toBe(200);
}

/** The next message the emulator received for `phone` whose body matches `pattern`. */
async function received(phone: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await standIns.sentMessages()).find((m) => m.to === `whatsapp:${phone}` && m.body && pattern.test(m.body));
    if (found?.body) return found.body;
    if (Date.now() > until) throw new Error(`no message to ${phone} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const linkIn = (body: string) => /(http:\/\/127\.0\.0\.1:\d+\/web\/[A-Za-z0-9_-]{22})(?:\s|$)/.exec(body)?.[1] ?? "";

/** Opens `url` in a fresh page: its status, title, visible text, and every request it made. */
async function open(url: string) {
  const page = await browser.newPage();
  try {
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const response = await page.goto(url);
    return { status: response?.status(), title: await page.title(), text: await page.locator("body").innerText(), requests, headers: response?.headers() ?? {} };
  } finally {
    await page.close();
  }
}

it("opens the /web link the user received: the transcript, the run, markup shown as text, nothing fetched elsewhere", async () => {
  await send(USER, "please fix the login test");
  await received(USER, /please fix the login test/);
  await send(USER, MARKUP);
  await received(USER, /onerror/);
  await send(USER, "/web");
  const link = linkIn(await received(USER, /\/web\/[A-Za-z0-9_-]{22}/));
  const page = await open(link);
  expect(page.status).toBe(200);
  expect(page.title).toBe("Your agent's work");
  expect(page.text).toContain("please fix the login test");
  expect(page.text).toContain(MARKUP);
  expect(page.text).toMatch(/Runs[\s\S]*\$0\.0/);
  expect(page.text).toMatch(/Spend per day, last 30 days[\s\S]*?Total \$[\d.]+ from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d; (highest \$[\d.]+ on \d{4}-\d\d-\d\d|none on any day)\./);
  expect(page.headers["content-security-policy"]).toMatch(/^default-src 'self'/);
  // The page and its stylesheet, from the relay only.
  expect(page.requests.every((u) => u.startsWith(relay.url)), page.requests.join(" ")).toBe(true);
  expect(page.requests.some((u) => u.endsWith("/web/page.css"))).toBe(true);

  // Short enough for a phone's line, however long the host's name.
  expect(link.replace(relay.url, "https://whatsapp-agent-relay.example.workers.dev").length).toBeLessThanOrEqual(80);
  // One character of the link changed: a plain 404.
  const altered = await open(link.slice(0, -1) + (link.endsWith("a") ? "b" : "a"));
  expect(altered.status).toBe(404);
  expect(altered.text).toBe("Not found");
});

/** Every message the emulator sent `phone` so far. */
const sentTo = async (phone: string) => (await standIns.sentMessages()).filter((m) => m.to === `whatsapp:${phone}`);

/** Sends `text` and waits for the first message to `phone` after it: its body. */
async function answerTo(phone: string, text: string): Promise<string> {
  const before = (await sentTo(phone)).length;
  await send(phone, text);
  const until = Date.now() + 30_000;
  for (;;) {
    const body = (await sentTo(phone))[before]?.body;
    if (body) return body;
    if (Date.now() > until) throw new Error(`no answer to ${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it("reads on a phone at 390×844: every command with its answer under it, the diff's code from the left, nothing wider than the screen", async () => {
  const phone = PHONE_390;
  await send(phone, "change the app [[vm:change src/app.ts +3 -1]]");
  await received(phone, /change the app/);
  await received(phone, /^1 file changed, \+3 −1/);
  const status = await answerTo(phone, "/status");
  const cost = await answerTo(phone, "/cost");
  const link = linkIn(await answerTo(phone, "/web"));
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  try {
    expect((await page.goto(link))?.status()).toBe(200);
    // The transcript in order: each command the user sent, then the relay's answer to it.
    const entries = await page.locator("ol.transcript > li").evaluateAll((items) => items.map((li) => ({ from: li.className, text: li.querySelector(".text")?.textContent ?? "" })));
    const after = (command: string) => entries[entries.findIndex((e) => e.from === "user" && e.text === command) + 1];
    expect(after("/status"), JSON.stringify(entries)).toEqual({ from: "relay", text: status });
    expect(after("/cost"), JSON.stringify(entries)).toEqual({ from: "relay", text: cost });
    for (const [i, e] of entries.entries()) if (e.from === "user" && e.text.startsWith("/")) expect(entries[i + 1]?.from, `${e.text} is answered`).toBe("relay");

    // The diff: the code starts within the first fifth of the width, and nothing makes the page scroll sideways.
    const code = page.locator(".latest-change td.d2h-ins .d2h-code-line-ctn").first();
    await code.scrollIntoViewIfNeeded();
    const box = (await code.boundingBox())!;
    expect(box.x, `the code starts at ${box.x} px of 390`).toBeLessThan(390 * 0.2);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync(`${REPO_ROOT}/test/artifacts/e2e`, { recursive: true });
    await page.screenshot({ path: `${REPO_ROOT}/test/artifacts/e2e/web-page-390-diff.png` });
    await page.screenshot({ path: `${REPO_ROOT}/test/artifacts/e2e/web-page-390.png`, fullPage: true });
  } finally {
    await page.close();
  }
});

it("gives the admin the dashboard: the user by masked number, the 7-day charts", async () => {
  await send(ADMIN, "/dashboard");
  const page = await open(linkIn(await received(ADMIN, /\/web\/[A-Za-z0-9_-]{22}/)));
  expect(page.status).toBe(200);
  expect(page.text).toContain("Relay dashboard");
  expect(page.text).toContain("+1555***0041");
  expect(page.text).not.toContain(USER);
  expect(page.text).toContain("Runs per day, last 7 days");
  // Each chart says its amounts in words a reader sees: the user's messages were counted.
  expect(page.text).toMatch(/Messages per day, last 7 days[\s\S]*?Total [1-9]\d* from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d; highest [1-9]\d* on \d{4}-\d\d-\d\d\./);
});

it("refuses a revoked link and, after WEB_LINK_TTL_HOURS, an expired one", async () => {
  await send(USER, "/web all");
  const all = linkIn(await received(USER, /All your conversations: /));
  expect((await open(all)).status).toBe(200);
  await send(USER, "/web revoke");
  await received(USER, /no longer works/);
  expect((await open(all)).status).toBe(404);

  await send(USER, "/web");
  const fresh = linkIn(await receivedLatest(USER));
  expect((await open(fresh)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 37_000));
  const expired = await open(fresh);
  expect(expired.status).toBe(404);
  expect(expired.text).toBe("Not found");
}, 120_000);

/** The latest link sent to `phone` (after a revoke, the older ones no longer work: the newest is wanted). */
async function receivedLatest(phone: string): Promise<string> {
  const until = Date.now() + 30_000;
  for (;;) {
    const links = (await standIns.sentMessages()).filter((m) => m.to === `whatsapp:${phone}` && m.body && /Conversation “main”: /.test(m.body));
    if (links.length >= 2) return links[links.length - 1]!.body!;
    if (Date.now() > until) throw new Error("no second /web link");
    await new Promise((r) => setTimeout(r, 100));
  }
}
