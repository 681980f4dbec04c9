// The page's stylesheet and scripts are static files (public/web/, wrangler.toml [assets]), served
// by Cloudflare before the Worker and never part of its upload. Read here as Cloudflare serves them,
// through the ASSETS binding: their type, the headers public/_headers gives them, and that the words
// a script writes on the page are the ones the Worker renders it with.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { draftCount, LIVE_WORDS } from "../../src/web/web-page";
import { PICTURE_ALT } from "../../src/web/web-live";

const ORIGIN = "https://relay.test";

async function asset(path: string): Promise<{ response: Response; text: string }> {
  const response = await env.ASSETS!.fetch(`${ORIGIN}${path}`);
  return { response, text: await response.text() };
}

it.each([
  ["/web/page.css", /^text\/css/, ".review-box"],
  ["/web/review.js", /^(text|application)\/javascript/, "/review/send"],
  ["/web/live.js", /^(text|application)\/javascript/, "new WebSocket("],
])("serves %s with its type and the headers of public/_headers", async (path, type, holds) => {
  const { response, text } = await asset(path);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(type);
  expect(text).toContain(holds);
  expect(response.headers.get("cache-control")).toBe("no-cache");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("x-robots-tag")).toBe("noindex");
  // Never the Worker's: its own route for the path is a link's plain 404.
  expect((await exports.default.fetch(`${ORIGIN}${path}`)).status).toBe(404);
});

it("serves nothing else: the headers file and a missing script are not files of the site", async () => {
  expect((await env.ASSETS!.fetch(`${ORIGIN}/_headers`)).status).toBe(404);
  expect((await env.ASSETS!.fetch(`${ORIGIN}/web/nothing.js`)).status).toBe(404);
});

it("the live script calls each event what the Worker's page calls it, and its picture by the same words", async () => {
  const { text } = await asset("/web/live.js");
  const kinds = /var KINDS = (\{[^}]*\});/.exec(text)?.[1];
  expect(kinds).toBeDefined();
  expect(JSON.parse(kinds!.replace(/(\w+):/g, '"$1":'))).toEqual(LIVE_WORDS);
  expect(text).toContain(`var PICTURE_ALT = ${JSON.stringify(PICTURE_ALT)};`);
});

it("the review script counts the draft in the Worker's words", async () => {
  const { text } = await asset("/web/review.js");
  expect(text).toContain(JSON.stringify(draftCount(0)));
  expect(draftCount(2)).toBe("2 comments in your draft review.");
  expect(draftCount(1)).toBe("1 comment in your draft review.");
  expect(text).toContain(`n + " " + (n === 1 ? "comment" : "comments") + " in your draft review."`);
});
