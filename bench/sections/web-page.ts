// The private page's rendering: the Worker's CPU to turn a conversation's page of 500 messages
// (and their replies) and 50 runs into HTML, and the size of that HTML. Measured in Node on the
// same V8 as workerd, with the Worker's own render function; the object's SQL reads are not in it
// (they run in the Durable Object, not the Worker).
import { gzipSync } from "node:zlib";
import { renderWebPage } from "../../src/web/web-page";
import { atMost, info, judged } from "../lib/figures";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { median, percentile } from "../lib/stats";
import { largePage, PAGE_TOKEN } from "../web-page/fixture";

const SECTION = "web-page";

export const WEB_PAGE_DEFINITIONS = {
  page: "one conversation: 500 messages, alternating the user's (5–30 words) and answers (20–100 words; 1 in 10 the relay's), some with <script> and & to escape), 50 runs (a third with an approval; 3–30 tool calls each, the first 5 of the latest 10 runs listed, a link to each run's page; two in three with a change, the newest shown inline, its diff's HTML not counted: it comes from R2), 30 days of spend (bench/web-page/fixture.ts)",
  cpu: "process CPU time (user + system) of one renderWebPage call, after 5 warm-up renders; median and p95 over the samples (quick: 20, else 200); the first render of a fresh module reported apart",
  size: "bytes of the rendered HTML, and gzipped (level 6, as a browser receives it compressed)",
};

export const webPageSection: Section = {
  name: "web-page",
  title: "the Worker's CPU to render the private page of 500 messages and 50 runs, and its size",
  run: runWebPage,
};

function cpuMs(render: () => unknown): number {
  const before = process.cpuUsage();
  render();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function runWebPage({ quick, log }: SectionOptions): Promise<SectionOutcome> {
  const page = largePage({ messages: 500, runs: 50, now: Date.UTC(2026, 10, 23, 12) });
  // Links to runs' pages carry the whole token, as a real link's do; the inline diff is not counted (it comes from R2).
  const extras = { base: `/web/${PAGE_TOKEN}`, diffs: new Map<string, string | null>() };
  let html = "";
  const first = cpuMs(() => (html = renderWebPage(page, extras)));
  for (let i = 0; i < 5; i++) renderWebPage(page, extras);
  const samples = Array.from({ length: quick ? 20 : 200 }, () => cpuMs(() => renderWebPage(page, extras)));
  const bytes = Buffer.byteLength(html);
  log(`rendered ${samples.length} times: median ${median(samples).toFixed(2)} ms, ${bytes} bytes`);
  const figures = [
    judged(SECTION, "render CPU, 500 messages + 50 runs (median)", round(median(samples)), "ms", atMost(50, " ms")),
    info(SECTION, "render CPU p95", round(percentile(samples, 95)), "ms"),
    info(SECTION, "render CPU, first render", round(first), "ms", "includes the JIT's first pass"),
    judged(SECTION, "page size, 500 messages + 50 runs", Math.round(bytes / 1024), "KiB", atMost(195, " KiB"), "the issue's 200 KB"),
    info(SECTION, "page size gzipped", Math.round(gzipSync(html).byteLength / 1024), "KiB"),
  ];
  return { status: "ok", figures, details: { definitions: WEB_PAGE_DEFINITIONS, samples: samples.map(round), bytes } };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
