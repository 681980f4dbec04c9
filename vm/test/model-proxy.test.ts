// The model key through the credential proxy: the CLI holds a token of its own process, the
// upstream gets the real key (API key as x-api-key, OAuth token as Bearer), only the Messages API
// passes, the answer streams as it comes, and a token opens nothing outside a live run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { userPathsOf } from "../src/users/user-paths";
import { resultsOf, startHarness, uniqueId } from "./helpers/harness";
import { startRecordingUpstream, type RecordingUpstream } from "./helpers/recording-upstream";
import { tempDir } from "./helpers/temp-dir";

const API_KEY = "sk-ant-api-offline-0123456789abcdef";
const OAUTH_TOKEN = "sk-ant-oat-offline-0123456789abcdef";

let api: AnthropicStandIn;
let upstream: RecordingUpstream;
beforeAll(async () => {
  api = await startAnthropicStandIn();
  upstream = await startRecordingUpstream(api.url);
});
afterAll(async () => {
  await upstream?.close();
  await api?.close();
});

const message = (text: string, stream = true) => JSON.stringify({ model: "m", max_tokens: 64, stream, messages: [{ role: "user", content: text }] });

describe("the proxy itself", () => {
  let proxy: CredentialProxy;
  let live = true;
  let token = "";
  let base = "";
  beforeAll(async () => {
    proxy = await startCredentialProxy({ cliEnv: { ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: API_KEY }, gitLines: [], socketDir: tempDir("proxy-") });
    token = proxy.grant(() => live).token;
    base = proxy.agentEnv(token).ANTHROPIC_BASE_URL ?? "";
  });
  afterAll(() => proxy?.close());
  const post = (path: string, body: string, key: string | null = token, method = "POST") =>
    fetch(`${base}${path}`, { method, headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) }, body: method === "GET" ? undefined : body });

  it("streams the answer as it comes: the first event long before the last, the real key upstream", async () => {
    const started = performance.now();
    const response = await post("/v1/messages?beta=true", message("[[slow 600]] hi"));
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = performance.now() - started;
    let text = new TextDecoder().decode(first.value);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    const lastAt = performance.now() - started;
    expect(text.startsWith("event: message_start")).toBe(true);
    expect(text).toContain("event: message_stop");
    expect(firstAt).toBeLessThan(400);
    expect(lastAt).toBeGreaterThanOrEqual(600);
    expect(upstream.seen.at(-1)).toMatchObject({ path: "/v1/messages?beta=true", apiKey: API_KEY, authorization: null });
  });

  it("passes token counting, and answers 403 to every other path without forwarding it", async () => {
    expect((await post("/v1/messages/count_tokens", message("hi", false))).status).toBe(200);
    const forwarded = upstream.seen.length;
    for (const [method, path] of [["GET", "/v1/models"], ["POST", "/v1/files"], ["POST", "/v1/messages/batches"], ["GET", "/v1/messages"], ["POST", "/api/oauth/profile"]] as const) {
      const response = await post(path, message("hi"), token, method);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toMatchObject({ type: "error", error: { type: "permission_error" } });
    }
    expect(upstream.seen.length).toBe(forwarded);
  });

  it("answers 401 to no token, a wrong one, one whose holder is not live, and one revoked", async () => {
    const forwarded = upstream.seen.length;
    expect((await post("/v1/messages", message("hi"), null)).status).toBe(401);
    expect((await post("/v1/messages", message("hi"), API_KEY)).status).toBe(401);
    live = false;
    expect((await post("/v1/messages", message("hi"))).status).toBe(401);
    live = true;
    const other = proxy.grant(() => true);
    other.revoke();
    expect((await post("/v1/messages", message("hi"), other.token)).status).toBe(401);
    expect(upstream.seen.length).toBe(forwarded);
  });
});

const credentials: Array<{ name: string; cliEnv: Record<string, string>; variable: string; secret: string }> = [
  { name: "an API key", cliEnv: { ANTHROPIC_API_KEY: API_KEY }, variable: "ANTHROPIC_API_KEY", secret: API_KEY },
  { name: "an OAuth token", cliEnv: { ANTHROPIC_API_KEY: "", CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN }, variable: "CLAUDE_CODE_OAUTH_TOKEN", secret: OAUTH_TOKEN },
];
describe.each(credentials)("the real CLI with $name", ({ cliEnv, variable, secret }) => {
  it("holds only its process's token, and the upstream gets the real credential as the CLI would send it", async () => {
    const h = await startHarness({ warmSessionMs: 60_000, cliEnv: { ...cliEnv, ANTHROPIC_BASE_URL: upstream.url } });
    try {
      const userId = "+15550002201";
      const probe = (path: string, method = "POST") =>
        `curl -s -o /dev/null -w '${method} ${path} %{http_code}\\n' -X ${method} -H "x-api-key: $tok" -H "authorization: Bearer $tok" "$ANTHROPIC_BASE_URL${path}"`;
      // The CLI keeps an OAuth token out of its Bash tool's environment (not an API key): the
      // agent finds its process's token in its CLI's /proc environ, as it could.
      const command = [
        "env > env.txt",
        // Up its own process tree: other VMs' agents on this machine may share the uid.
        `p=$$; tok=; while [ "$p" -gt 1 ] && [ -z "$tok" ]; do tok=$(tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -m1 '^${variable}=' | cut -d= -f2-); p=$(cut -d' ' -f4 /proc/$p/stat); done`,
        "echo \"$tok\" > tok.txt",
        `{ ${probe("/v1/models", "GET")}; ${probe("/v1/files")}; } > probes.txt`,
      ].join("; ");
      const seenBefore = upstream.seen.length;
      const events = await (await h.startRun({ userId, runId: uniqueId("run"), options: { permissionMode: "bypassPermissions" }, text: `[[tool Bash ${JSON.stringify({ command })}]]` })).end();
      expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);

      const workspace = userPathsOf(h.dataDir, userId).workspace;
      const env = Object.fromEntries(readFileSync(join(workspace, "env.txt"), "utf8").trim().split("\n").map((line) => [line.split("=")[0], line.slice(line.indexOf("=") + 1)]));
      expect(JSON.stringify(env)).not.toContain(secret);
      const token = readFileSync(join(workspace, "tok.txt"), "utf8").trim();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      if (variable === "ANTHROPIC_API_KEY") expect(env[variable]).toBe(token);
      else expect(env[variable]).toBeUndefined();
      expect(env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/model$/);
      expect(readFileSync(join(workspace, "probes.txt"), "utf8")).toBe("GET /v1/models 403\nPOST /v1/files 403\n");

      // Upstream: the model calls, each with the real credential in the CLI's own header for it.
      const calls = upstream.seen.slice(seenBefore);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      for (const call of calls) {
        expect(call.path).toBe("/v1/messages?beta=true");
        if (variable === "ANTHROPIC_API_KEY") expect(call).toMatchObject({ apiKey: secret, authorization: null });
        else {
          expect(call).toMatchObject({ apiKey: null, authorization: `Bearer ${secret}` });
          expect(call.beta).toContain("oauth-2025-04-20");
        }
      }

      // The process is warm, with no run: its token opens nothing.
      const between = await fetch(`${env.ANTHROPIC_BASE_URL}/v1/messages`, { method: "POST", headers: { "x-api-key": token }, body: message("hi") });
      expect(between.status).toBe(401);
    } finally {
      await h.close();
    }
  });
});

describe("an API error behind the proxy", () => {
  it("names the upstream the VM reaches where the CLI would name the proxy's address", async () => {
    const h = await startHarness({ cliEnv: { ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: upstream.url } });
    try {
      const events = await (await h.startRun({ userId: "+15550002209", runId: uniqueId("run"), text: "[[fail 500]] fix the build" })).end();
      // A 500 is the model's outage, waited out by the relay, not the turn's answer; its words go to the operator's log.
      expect(resultsOf(events)).toEqual([]);
      const end = events.at(-1);
      expect(end).toMatchObject({ type: "error", code: "model_unavailable" });
      const message = end?.type === "error" ? end.message : "";
      // The CLI saw only the proxy (127.0.0.1:<its port>); the log names the upstream's host.
      expect(message).toContain(`If it persists, check your inference gateway (${new URL(upstream.url).host}).`);
      expect(message.match(/127\.0\.0\.1:\d+/g)).toEqual([new URL(upstream.url).host]);
    } finally {
      await h.close();
    }
  });
});
