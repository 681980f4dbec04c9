// The private page: a /web link opens the phone's own transcript and runs with the page's
// headers; anything written by the user or the agent is escaped; an altered, expired, revoked or
// foreign token is a plain 404; /dashboard is an admin's, listing users by masked number.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deriveWebLinkKey } from "../../src/web/web-token";
import { issueWebLink } from "../../src/web/web-links";
import { ask } from "./helpers";
import { TEST_ADMIN, TEST_AUTH_TOKEN, TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000150";
const other = "+15550000159";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}/web/([A-Za-z0-9_-]{22})(?:\\s|$)`);

const objectOf = (number: string) => env.PHONE_AGENT.idFromName(number).toString();
const get = (path: string) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`));

async function linkFrom(reply: string): Promise<string> {
  const token = LINK.exec(reply)?.[1];
  expect(token, reply).toBeTruthy();
  return token!;
}

function expectPageHeaders(response: Response): void {
  expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("x-robots-tag")).toBe("noindex");
}

async function expectNotFound(path: string): Promise<void> {
  const response = await get(path);
  expect(response.status).toBe(404);
  expectPageHeaders(response);
  // Nothing of the page: no markup, no data.
  expect(await response.text()).toBe("Not found");
}

describe("/web", () => {
  it("links to the conversation's page: transcript with times, the run's cost, escaped text, the page's headers", async () => {
    expect(await ask(phone, "hello <script>alert(1)</script>")).toBe("echo: hello <script>alert(1)</script>");
    expect(await ask(phone, 'look <img src=x onerror="alert(2)">')).toBe('echo: look <img src=x onerror="alert(2)">');
    const token = await linkFrom(await ask(phone, "/web"));
    const response = await get(`/web/${token}`);
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain("Conversation “main”");
    expect(html).toContain("hello &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("echo: look &lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
    // No markup of the messages: the page's one script is its own live part's.
    expect(html).not.toMatch(/<script(?! src="\/web\/live\.js")|<img/i);
    // Two runs, each with its cost (the VM stand-in reports $0.001) and a duration.
    expect(html.match(/\$0\.00\d*/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(html).toContain("Spend per day, last 30 days");
    expect(html).toMatch(/<svg[^>]*class="chart spend"/);
    // The chart says its amounts as text, no script needed: the scale's top, the highest bar's amount, the total.
    expect(html).toMatch(/<text class="scale"[^>]*>\$0\.002<\/text>/);
    expect(html).toMatch(/<text class="amount"[^>]*>\$0\.002<\/text>/);
    expect(html).toMatch(/<p class="chart-figures">Total \$0\.002 from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d; highest \$0\.002 on \d{4}-\d\d-\d\d\.<\/p>/);
    expect(html.match(/<li class="run">/g)).toHaveLength(2);
    expect(html).toContain("No tool calls.");
    expect(html).toContain('href="/web/page.css"');
    const css = await get("/web/page.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expectPageHeaders(css);
  });

  it("refuses an altered, a forged, an expired and a revoked link with a plain 404", async () => {
    const token = await linkFrom(await ask(phone, "/web all"));
    expect((await get(`/web/${token}`)).status).toBe(200);
    // One character changed; one character more or less; garbage. The token names nothing: no number, no object.
    const last = token.at(-1) === "A" ? "B" : "A";
    await expectNotFound(`/web/${token.slice(0, -1)}${last}`);
    await expectNotFound(`/web/${token}A`);
    await expectNotFound(`/web/${token.slice(0, -1)}`);
    expect(token).not.toContain(objectOf(phone));
    expect(token).not.toContain(phone.slice(1));
    await expectNotFound("/web/nothing");
    // Stored under another secret's digest: this relay's key finds nothing.
    const wrongKey = await deriveWebLinkKey("some-other-secret-0123456789abcdef");
    await expectNotFound(`/web/${await issueWebLink(env, wrongKey, { object: objectOf(phone), scope: { kind: "all" }, epoch: 0, expiresAt: Date.now() + 3_600_000 })}`);
    // Expired a second ago, stored with the relay's own key.
    const key = await deriveWebLinkKey(TEST_AUTH_TOKEN);
    await expectNotFound(`/web/${await issueWebLink(env, key, { object: objectOf(phone), scope: { kind: "all" }, epoch: 0, expiresAt: Date.now() - 1000 })}`);
    // /web revoke ends every link sent before; a new one works.
    expect(await ask(phone, "/web revoke")).toMatch(/no longer works/);
    await expectNotFound(`/web/${token}`);
    const fresh = await linkFrom(await ask(phone, "/web"));
    expect((await get(`/web/${fresh}`)).status).toBe(200);
  });

  it("never shows another phone's data: a link opens the one object it names", async () => {
    expect(await ask(other, "secret of the other phone")).toBe("echo: secret of the other phone");
    const key = await deriveWebLinkKey(TEST_AUTH_TOKEN);
    // A link stored by this relay for `phone`'s object: only `phone`'s rows, whatever else the other phone holds.
    const token = await issueWebLink(env, key, { object: objectOf(phone), scope: { kind: "all" }, epoch: 1, expiresAt: Date.now() + 60_000 });
    const html = await (await get(`/web/${token}`)).text();
    expect(html).not.toContain("secret of the other phone");
    // A dashboard link for a phone that is not an admin shows nothing.
    await expectNotFound(`/web/${await issueWebLink(env, key, { object: objectOf(other), scope: { kind: "dashboard" }, epoch: 0, expiresAt: Date.now() + 60_000 })}`);
  });
});

describe("/dashboard", () => {
  it("is refused to a user who is not an admin", async () => {
    expect(await ask(other, "/dashboard")).toBe("Permission denied: /dashboard is for admins only.");
  });

  it("gives an admin a link to the operator's page: users by masked number, their figures, 7-day charts", async () => {
    await ask(phone, "one more");
    const token = await linkFrom(await ask(TEST_ADMIN, "/dashboard"));
    const response = await get(`/web/${token}`);
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain("Relay dashboard");
    expect(html).toContain("+1555***0150");
    expect(html).not.toContain(phone);
    expect(html).toContain("Messages per day, last 7 days");
    expect(html).toMatch(/<svg[^>]*class="chart failures"/);
  });
});
