// One agent cannot hold the credential proxy for everyone: each token has at most
// PROXY_LIMITS.perToken requests under way (the next gets a 429 in the Messages API's shape), no
// shared socket ceiling queues one user behind another, and a request that goes quiet, or lasts
// too long, is ended. The upstream here is a slow stand-in: it trickles a ping every 100 ms for as
// long as the caller stays, or never answers at all.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROXY_LIMITS } from "../src/core/proxy-tokens";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { tempDir } from "./helpers/temp-dir";

let upstream: Server;
let upstreamUrl = "";
/** Trickling answers under way upstream. */
let trickling = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (body.includes("[[silent]]")) return;
      if (body.includes("[[trickle]]")) {
        trickling++;
        res.writeHead(200, { "content-type": "text/event-stream" });
        const ping = () => res.write('event: ping\ndata: {"type": "ping"}\n\n');
        ping();
        const timer = setInterval(ping, 100);
        res.on("close", () => {
          clearInterval(timer);
          trickling--;
        });
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "message", role: "assistant", content: [{ type: "text", text: "served" }] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

const message = (text: string) => JSON.stringify({ model: "m", max_tokens: 64, stream: true, messages: [{ role: "user", content: text }] });

async function openProxy(limits?: Parameters<typeof startCredentialProxy>[0]["limits"]) {
  const proxy = await startCredentialProxy({ cliEnv: { ANTHROPIC_BASE_URL: upstreamUrl, ANTHROPIC_API_KEY: "sk-ant-offline" }, gitLines: [], socketDir: tempDir("proxy-"), limits });
  const tokenOf = () => proxy.grant(() => true).token;
  const post = (token: string, text: string, signal?: AbortSignal) =>
    fetch(`${proxy.agentEnv(token).ANTHROPIC_BASE_URL}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": token }, body: message(text), signal });
  return { proxy, tokenOf, post };
}

describe("one token's slow requests", () => {
  let proxy: CredentialProxy;
  let tokenOf: () => string;
  let post: (token: string, text: string, signal?: AbortSignal) => Promise<Response>;
  const held = new AbortController();
  beforeAll(async () => ({ proxy, tokenOf, post } = await openProxy()));
  afterAll(async () => {
    held.abort();
    await proxy?.close();
  });

  it("never hold another user's request: past its cap a token gets a 429 the CLI reads, the other is served at once", async () => {
    const greedy = tokenOf();
    const answers = await Promise.all(Array.from({ length: 64 }, () => post(greedy, "[[trickle]]", held.signal)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(PROXY_LIMITS.perToken);
    expect(statuses.filter((s) => s === 429)).toHaveLength(64 - PROXY_LIMITS.perToken);
    expect(trickling).toBe(PROXY_LIMITS.perToken);
    const refused = answers.find((r) => r.status === 429);
    expect(refused?.headers.get("retry-after")).toBe("2");
    expect(await refused?.json()).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: `this agent has ${PROXY_LIMITS.perToken} requests through the credential proxy under way already; try again when one is done` },
    });

    const started = performance.now();
    const other = await post(tokenOf(), "hello");
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ content: [{ text: "served" }] });
    expect(performance.now() - started).toBeLessThan(1_000);

    // The greedy agent lets go: its places are free again.
    held.abort();
    await expect.poll(() => trickling).toBe(0);
    await expect.poll(async () => (await post(greedy, "hello")).status).toBe(200);
  });
});

describe("a request that goes quiet or lasts too long", () => {
  let open: Awaited<ReturnType<typeof openProxy>>;
  beforeAll(async () => (open = await openProxy({ idleMs: 300, requestMs: 1_500 })));
  afterAll(() => open?.proxy.close());

  it("ends an upstream that says nothing with a 504 timeout_error, and frees the token's place", async () => {
    const token = open.tokenOf();
    const started = performance.now();
    const answer = await open.post(token, "[[silent]]");
    expect(answer.status).toBe(504);
    expect(await answer.json()).toEqual({ type: "error", error: { type: "timeout_error", message: "the credential proxy ended the request: nothing came or went for 0.3 s" } });
    expect(performance.now() - started).toBeLessThan(1_400);
    expect((await open.post(token, "hello")).status).toBe(200);
  });

  it("cuts an answer that trickles past the request's whole time", async () => {
    const started = performance.now();
    const answer = await open.post(open.tokenOf(), "[[trickle]]");
    expect(answer.status).toBe(200);
    await expect(answer.text()).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_400);
    await expect.poll(() => trickling).toBe(0);
  });
});
