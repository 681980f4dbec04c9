// Serves the phone simulator page: an HTML shell, its stylesheet and its script modules, locked to the emulator's own origin.
import { readFileSync } from "node:fs";
import { Hono } from "hono";

const read = (file: string) => readFileSync(new URL(`../page/${file}`, import.meta.url), "utf8");

const PAGE = read("simulator.html");

/** The page's assets, by name: nothing else under /simulator/ is served. */
const ASSETS: Readonly<Record<string, { body: string; type: string }>> = Object.fromEntries(
  ["simulator.css", "simulator.js", "bubbles.js", "format.js", "people.js", "telegram.js"].map((file) => [
    file,
    { body: read(file), type: file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8" },
  ]),
);

/** Own origin only, no outside assets: the page must work offline and cannot load anything else. Media comes from the emulator too. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

export function simulatorPage(): Hono {
  const page = new Hono();
  page.get("/", (c) => {
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("Cache-Control", "no-store");
    return c.html(PAGE);
  });
  page.get("/simulator/:file", (c) => {
    const asset = ASSETS[c.req.param("file")];
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "no-store" });
  });
  return page;
}
