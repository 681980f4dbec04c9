// Serves the phone simulator page: one self-contained HTML file, locked to its own origin.
import { readFileSync } from "node:fs";
import { Hono } from "hono";

const PAGE = readFileSync(new URL("../page/simulator.html", import.meta.url), "utf8");

/** Inline script and style only, no outside assets: the page must work offline and cannot load anything else. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src data:",
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
  return page;
}
