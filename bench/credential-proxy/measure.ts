// What the credential proxy adds to a model request: the offline model answered directly and
// through the proxy (run as the VM runs, with its start flags), request for request, alternating.
// Time to first byte of the streamed answer (message_start) and to its last byte; the added
// latency is the median of the per-pair differences. Alone: `npx tsx bench/credential-proxy/measure.ts [--quick]`.
import { once } from "node:events";
import { Agent, request } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startAnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { spawnGroup, stopGroup } from "../lib/children";
import { atMost, info, judged, type Figure } from "../lib/figures";
import { median, percentile } from "../lib/stats";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECTION = "credential-proxy";
const BODY = JSON.stringify({ model: "offline", max_tokens: 64, stream: true, messages: [{ role: "user", content: "Summarise the benchmark in one line." }] });

/** vm/package.json's start flags (between `node` and `--import tsx`), as shipped. */
function vmNodeFlags(): string[] {
  const start = (JSON.parse(readFileSync(`${ROOT}/vm/package.json`, "utf8")) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).slice(1).filter((word) => word.startsWith("--") && word !== "--import");
}

type Sample = { ttfbMs: number; totalMs: number };

/** One streamed Messages request over a kept-alive connection: time to the first body byte and to the end. */
function timeRequest(agent: Agent, url: URL, key: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let ttfbMs = Number.NaN;
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "x-api-key": key, "content-length": Buffer.byteLength(BODY) } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} from ${url.href}`));
      res.on("data", () => {
        if (Number.isNaN(ttfbMs)) ttfbMs = performance.now() - startedAt;
      });
      res.on("end", () => resolve({ ttfbMs, totalMs: performance.now() - startedAt }));
    });
    req.on("error", reject);
    req.end(BODY);
  });
}

export default async function measureCredentialProxy({ quick }: { quick: boolean }): Promise<{ figures: Figure[]; flags: string[]; requests: number }> {
  const api = await startAnthropicStandIn();
  const flags = vmNodeFlags();
  const child = spawnGroup(process.execPath, [...flags, "--import", "tsx", "bench/credential-proxy/proxy-main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", UPSTREAM: api.url, BENCH_KEY: "sk-bench-key" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [line] = (await once(child.stdout!, "data")) as [Buffer];
    const { baseUrl, token } = JSON.parse(line.toString()) as { baseUrl: string; token: string };
    const direct = new URL(`${api.url}/v1/messages?beta=true`);
    const proxied = new URL(`${baseUrl}/v1/messages?beta=true`);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const warmup = quick ? 10 : 50;
    const count = quick ? 40 : 400;
    const samples = { direct: [] as Sample[], proxied: [] as Sample[] };
    for (let i = 0; i < warmup + count; i++) {
      // Alternating which goes first, so neither side always meets a warmer cache.
      const pair = i % 2 === 0 ? [["direct", direct, "sk-bench-key"], ["proxied", proxied, token]] : [["proxied", proxied, token], ["direct", direct, "sk-bench-key"]];
      for (const [side, url, key] of pair as Array<["direct" | "proxied", URL, string]>) {
        const sample = await timeRequest(agent, url, key);
        if (i >= warmup) samples[side].push(sample);
      }
    }
    agent.destroy();
    const added = samples.proxied.map((p, i) => p.totalMs - (samples.direct[i]?.totalMs ?? Number.NaN));
    const addedTtfb = samples.proxied.map((p, i) => p.ttfbMs - (samples.direct[i]?.ttfbMs ?? Number.NaN));
    const ms = (x: number) => Math.round(x * 100) / 100;
    const p50 = (xs: Sample[], key: keyof Sample) => ms(median(xs.map((s) => s[key])));
    const note = `${count} streamed POST /v1/messages each way, interleaved; proxy under node ${flags.join(" ")}`;
    return {
      flags,
      requests: count,
      figures: [
        judged(SECTION, "added latency per model request p50", ms(median(added)), "ms", atMost(2, " ms"), note),
        info(SECTION, "added latency per model request p99", ms(percentile(added, 99)), "ms"),
        info(SECTION, "TTFB direct p50", p50(samples.direct, "ttfbMs"), "ms"),
        info(SECTION, "TTFB through the proxy p50", p50(samples.proxied, "ttfbMs"), "ms"),
        info(SECTION, "added TTFB p50", ms(median(addedTtfb)), "ms"),
        info(SECTION, "whole answer direct p50", p50(samples.direct, "totalMs"), "ms"),
        info(SECTION, "whole answer through the proxy p50", p50(samples.proxied, "totalMs"), "ms"),
      ],
    };
  } finally {
    await stopGroup(child);
    await api.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureCredentialProxy({ quick: process.argv.includes("--quick") });
  for (const f of result.figures) console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target}: ${f.pass ? "met" : "MISSED"})` : ""}`);
}
