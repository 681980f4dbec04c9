// The private page in a real headless Chromium, against `wrangler dev` with the Twilio emulator
// and the VM stand-in (the lightest stack that carries a run): the link comes as a WhatsApp
// message the emulator received; the page shows the transcript with the agent's reply, the run,
// and text that tried to be markup as text; the admin's dashboard lists the user masked; an
// altered, an expired and a revoked link each get a 404.
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
    await startWranglerDev({ cwd: REPO_ROOT, varsFor: relayVars(standIns, [USER, ADMIN], { ADMIN_SENDERS: ADMIN, WEB_LINK_TTL_HOURS: TTL_HOURS }) }),
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

const linkIn = (body: string) => /(http:\/\/127\.0\.0\.1:\d+\/web\/w1\.[^\s]+)/.exec(body)?.[1] ?? "";

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
  const link = linkIn(await received(USER, /\/web\/w1\./));
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

  // One character of the link changed: a plain 404.
  const altered = await open(link.slice(0, -1) + (link.endsWith("a") ? "b" : "a"));
  expect(altered.status).toBe(404);
  expect(altered.text).toBe("Not found");
});

it("gives the admin the dashboard: the user by masked number, the 7-day charts", async () => {
  await send(ADMIN, "/dashboard");
  const page = await open(linkIn(await received(ADMIN, /\/web\/w1\./)));
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
