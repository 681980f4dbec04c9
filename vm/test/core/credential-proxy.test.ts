// The credential proxy's rules: which credential the VM holds and what the CLI gets instead, the
// paths that pass (Messages API, git smart HTTP, GitHub API hosts), the header swap, and tokens
// that open the proxy only while their holder is live.
import { describe, expect, it } from "vitest";
import {
  agentGithubEnv,
  agentPassThrough,
  GH_PLACEHOLDER_TOKEN,
  ghRequestDecision,
  gitConfigEnv,
  gitProxyConfig,
  gitProxyPairs,
  gitRouteOf,
  gitUpstreamsOf,
  isGitRequestAllowed,
  isModelRequestAllowed,
  isOfflineModel,
  modelCredentialOf,
  modelUpstreamHeaders,
  modelUpstreamOf,
  presentedToken,
  upstreamHintOf,
} from "../../src/core/credential-proxy";
import { createTokenTable } from "../../src/core/proxy-tokens";

const proxy = { baseUrl: "http://127.0.0.1:4100", token: "tok_process" };

describe("the model credential and the CLI's variables", () => {
  const cases: Array<{ name: string; env: Record<string, string>; agent: Record<string, string> }> = [
    {
      name: "an API key: the token in ANTHROPIC_API_KEY, the base URL the proxy's",
      env: { ANTHROPIC_API_KEY: "sk-real", ANTHROPIC_MODEL: "m" },
      agent: { ANTHROPIC_API_KEY: "tok_process", ANTHROPIC_BASE_URL: "http://127.0.0.1:4100/model", ANTHROPIC_MODEL: "m" },
    },
    {
      name: "an OAuth token: the token in CLAUDE_CODE_OAUTH_TOKEN (the CLI adds its oauth beta flag)",
      env: { CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat-real", ANTHROPIC_BASE_URL: "http://upstream" },
      agent: { CLAUDE_CODE_OAUTH_TOKEN: "tok_process", ANTHROPIC_BASE_URL: "http://127.0.0.1:4100/model" },
    },
    {
      name: "an API key wins over an OAuth token, and neither reaches the CLI",
      env: { ANTHROPIC_API_KEY: "sk-real", CLAUDE_CODE_OAUTH_TOKEN: "oat-real", IS_SANDBOX: "1" },
      agent: { ANTHROPIC_API_KEY: "tok_process", ANTHROPIC_BASE_URL: "http://127.0.0.1:4100/model", IS_SANDBOX: "1" },
    },
    { name: "no credential: nothing to stand in for, the base URL left as it is", env: { ANTHROPIC_BASE_URL: "http://x" }, agent: { ANTHROPIC_BASE_URL: "http://x" } },
    { name: "an empty key counts as none", env: { ANTHROPIC_API_KEY: " " }, agent: {} },
    {
      name: "an operator's HTTPS_PROXY: loopback joins NO_PROXY, so the CLI reaches the VM's proxy",
      env: { ANTHROPIC_API_KEY: "sk-real", HTTPS_PROXY: "http://egress:3128", NO_PROXY: "internal.example" },
      agent: { ANTHROPIC_API_KEY: "tok_process", ANTHROPIC_BASE_URL: "http://127.0.0.1:4100/model", HTTPS_PROXY: "http://egress:3128", NO_PROXY: "internal.example,127.0.0.1" },
    },
  ];
  for (const c of cases) it(c.name, () => expect(agentPassThrough(c.env, proxy)).toEqual(c.agent));

  it("without a proxy (the start-up check) the credential is only taken away", () => {
    expect(agentPassThrough({ ANTHROPIC_AUTH_TOKEN: "real", ANTHROPIC_BASE_URL: "http://x" }, null)).toEqual({ ANTHROPIC_BASE_URL: "http://x" });
  });

  it("finds the upstream: the VM's own base URL, else Anthropic's", () => {
    expect(modelUpstreamOf({ ANTHROPIC_BASE_URL: "http://127.0.0.1:9/gw/" }).href).toBe("http://127.0.0.1:9/gw");
    expect(modelUpstreamOf({}).href).toBe("https://api.anthropic.com/");
    expect(modelCredentialOf({ ANTHROPIC_AUTH_TOKEN: "t" })).toEqual({ variable: "ANTHROPIC_AUTH_TOKEN", value: "t" });
  });

  it.each<[Record<string, string>, boolean]>([
    [{ ANTHROPIC_API_KEY: "offline-model", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" }, true],
    [{ ANTHROPIC_API_KEY: "sk-ant-real" }, false],
    [{ CLAUDE_CODE_OAUTH_TOKEN: "offline-model-ish" }, false],
    [{}, false],
  ])("the offline model's key makes runs free: %j → %s", (env, offline) => {
    expect(isOfflineModel(env)).toBe(offline);
  });
});

describe("what passes to the model", () => {
  const cases: Array<[string, string, boolean]> = [
    ["POST", "/v1/messages", true],
    ["POST", "/v1/messages/count_tokens", true],
    ["GET", "/v1/messages", false],
    ["POST", "/v1/models", false],
    ["GET", "/v1/models", false],
    ["POST", "/v1/messages/batches", false],
    ["POST", "/v1/files", false],
    ["POST", "/api/oauth/profile", false],
    ["POST", "/v1/messages/../files", false],
    ["HEAD", "/api/hello", false],
  ];
  for (const [method, path, allowed] of cases) it(`${method} ${path}: ${allowed ? "forwarded" : "403"}`, () => expect(isModelRequestAllowed(method, path)).toBe(allowed));
});

describe("the header swap", () => {
  const incoming = {
    host: "127.0.0.1:4100",
    "x-api-key": "tok_process",
    authorization: "Bearer tok_process",
    connection: "keep-alive",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "oauth-2025-04-20",
    "content-type": "application/json",
  };
  it("an API key goes as x-api-key, the agent's token nowhere, hop-by-hop headers dropped", () => {
    expect(modelUpstreamHeaders(incoming, { variable: "ANTHROPIC_API_KEY", value: "sk-real" })).toEqual({
      "x-api-key": "sk-real",
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "oauth-2025-04-20",
      "content-type": "application/json",
    });
  });
  it("an OAuth or auth token goes as Bearer", () => {
    for (const variable of ["CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"] as const) {
      const out = modelUpstreamHeaders(incoming, { variable, value: "oat-real" });
      expect(out.authorization).toBe("Bearer oat-real");
      expect(out["x-api-key"]).toBeUndefined();
      expect(out.host).toBeUndefined();
    }
  });
  const presented: Array<[Record<string, string>, string | null]> = [
    [{ "x-api-key": "a" }, "a"],
    [{ authorization: "Bearer b" }, "b"],
    [{ authorization: "token c" }, "c"],
    [{ authorization: "Basic eDp5" }, null],
    [{}, null],
  ];
  for (const [headers, token] of presented) it(`the token presented in ${JSON.stringify(headers)}: ${token}`, () => expect(presentedToken(headers)).toBe(token));
});

describe("git through the proxy", () => {
  const upstreams = gitUpstreamsOf(["https://x-access-token:ghp_real@github.com", "http://alice:p%40ss@127.0.0.1:8181", "https://other:x@github.com"]);
  it("keeps one credential a host, the first, as a Basic header", () => {
    expect([...upstreams.keys()]).toEqual(["github.com", "127.0.0.1:8181"]);
    expect(upstreams.get("github.com")).toEqual({ origin: "https://github.com", authorization: `Basic ${Buffer.from("x-access-token:ghp_real").toString("base64")}` });
    expect(upstreams.get("127.0.0.1:8181")?.authorization).toBe(`Basic ${Buffer.from("alice:p@ss").toString("base64")}`);
  });

  const token = "T".repeat(43);
  it("gives an agent's git no token and gh a placeholder, no secret: the proxy knows them by their process", () => {
    expect(agentGithubEnv(true)).toEqual({ GH_TOKEN: GH_PLACEHOLDER_TOKEN });
    expect(agentGithubEnv(false)).toEqual({});
  });

  it("rewrites each host's URLs to the proxy for the server's own git, the token in a header for the proxy's URLs alone, never in a URL", () => {
    const pairs = gitProxyPairs("http://127.0.0.1:4100", token, upstreams);
    expect(pairs).toEqual([
      ["http.http://127.0.0.1:4100/git/.extraHeader", `Authorization: Bearer ${token}`],
      ["url.http://127.0.0.1:4100/git/github.com/.insteadOf", "https://github.com/"],
      ["url.http://127.0.0.1:4100/git/127.0.0.1:8181/.insteadOf", "http://127.0.0.1:8181/"],
    ]);
    expect(pairs.filter(([key]) => key.includes(token))).toEqual([]);
    // The HOME's file holds the rewrites alone: an agent's git carries no token.
    expect(gitProxyConfig("http://127.0.0.1:4100", upstreams)).toBe(
      `[url "http://127.0.0.1:4100/git/github.com/"]\n\tinsteadOf = https://github.com/\n` +
        `[url "http://127.0.0.1:4100/git/127.0.0.1:8181/"]\n\tinsteadOf = http://127.0.0.1:8181/\n`,
    );
    expect(gitProxyPairs("http://127.0.0.1:4100", token, new Map())).toEqual([]);
    expect(gitConfigEnv([["a.b", "c"]])).toEqual({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "a.b", GIT_CONFIG_VALUE_0: "c" });
  });

  it("splits a route, and refuses what is not one", () => {
    expect(gitRouteOf("/git/GitHub.com/o/r.git/info/refs")).toEqual({ host: "github.com", path: "/o/r.git/info/refs" });
    expect(gitRouteOf("/git/127.0.0.1:8181/r.git/git-upload-pack")?.host).toBe("127.0.0.1:8181");
    expect(gitRouteOf("/git/github.com")).toBeNull();
    expect(gitRouteOf("/git/user@github.com/o/r")).toBeNull();
    expect(gitRouteOf("/model/v1/messages")).toBeNull();
  });

  const requests: Array<[string, string, string, boolean]> = [
    ["GET", "/o/r.git/info/refs", "?service=git-upload-pack", true],
    ["GET", "/o/r/info/refs", "?service=git-receive-pack", true],
    ["POST", "/o/r.git/git-upload-pack", "", true],
    ["POST", "/o/r.git/git-receive-pack", "", true],
    ["GET", "/o/r.git/info/refs", "", false],
    ["GET", "/o/r.git/info/refs", "?service=other", false],
    ["GET", "/o/r.git/git-upload-pack", "", false],
    ["GET", "/settings/tokens", "", false],
    ["POST", "/o/r/issues", "", false],
    ["POST", "/../api/git-upload-pack", "", false],
    ["GET", "/info/refs", "?service=git-upload-pack", false],
  ];
  for (const [method, path, search, allowed] of requests) {
    it(`${method} ${path}${search}: ${allowed ? "forwarded" : "403"}`, () => expect(isGitRequestAllowed(method, path, search)).toBe(allowed));
  }
});

describe("gh's hosts", () => {
  const cases: Array<[string | undefined, ReturnType<typeof ghRequestDecision>]> = [
    ["api.github.com", { forward: true, withToken: true }],
    ["API.GitHub.com", { forward: true, withToken: true }],
    // Release uploads are nothing a coding agent needs: no way to them with the VM's token.
    ["uploads.github.com", { forward: false }],
    ["objects.githubusercontent.com", { forward: true, withToken: false }],
    ["github.com", { forward: false }],
    ["evil.example", { forward: false }],
    [undefined, { forward: false }],
  ];
  for (const [host, decision] of cases) it(`${host}: ${JSON.stringify(decision)}`, () => expect(ghRequestDecision(host)).toEqual(decision));
});

describe("proxy tokens", () => {
  it("admit while their holder is live, not before or after, and never once revoked", () => {
    const table = createTokenTable();
    let live = false;
    const grant = table.grant("tok-a", { isLive: () => live });
    expect(table.admits("tok-a")).toBe(false);
    live = true;
    expect(table.admits("tok-a")).toBe(true);
    expect(table.admits("tok-b")).toBe(false);
    expect(table.admits(null)).toBe(false);
    grant.revoke();
    expect(table.admits("tok-a")).toBe(false);
    expect(table.size()).toBe(0);
  });
  it("refuses a token drawn twice", () => {
    const table = createTokenTable();
    table.grant("same", { isLive: () => true });
    expect(() => table.grant("same", { isLive: () => true })).toThrow();
  });
  it("holds at most `max` requests of one token at once, whatever the others hold", () => {
    const table = createTokenTable();
    const ends = [table.begin("tok-a", 2), table.begin("tok-a", 2)];
    expect(table.begin("tok-a", 2)).toBeNull();
    const other = table.begin("tok-b", 2);
    expect(other).not.toBeNull();
    expect([table.inFlight("tok-a"), table.inFlight("tok-b")]).toEqual([2, 1]);
    // An end counted twice (a close after a finish) frees one place, not two.
    ends[0]?.();
    ends[0]?.();
    expect(table.inFlight("tok-a")).toBe(1);
    expect(table.begin("tok-a", 2)).not.toBeNull();
    expect(table.begin("tok-a", 2)).toBeNull();
    other?.();
    expect(table.inFlight("tok-b")).toBe(0);
  });
  it("tell a refusal to the holder of the token it was for, and to no one once revoked", () => {
    const table = createTokenTable();
    const seenByA: unknown[] = [];
    const seenByB: unknown[] = [];
    const a = table.grant("tok-a", { isLive: () => true, modelRefused: (seen) => seenByA.push(seen) });
    table.grant("tok-b", { isLive: () => true, modelRefused: (seen) => seenByB.push(seen) });
    table.modelRefused("tok-a", { resetsAt: 5_000, limit: "requests" });
    table.modelRefused("tok-c", { resetsAt: 6_000, limit: null });
    table.modelRefused(null, { resetsAt: 7_000, limit: null });
    expect(seenByA).toEqual([{ resetsAt: 5_000, limit: "requests" }]);
    expect(seenByB).toEqual([]);
    a.revoke();
    table.modelRefused("tok-a", { resetsAt: 8_000, limit: null });
    expect(seenByA).toHaveLength(1);
  });
});

describe("upstreamHintOf: the CLI's hint about its base URL, behind the proxy", () => {
  const said = (host: string) => `API Error: 500 boom. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (${host}).`;
  it.each([
    ["Anthropic's API: its status page, as the CLI says without a gateway", said("127.0.0.1:4100"), "https://api.anthropic.com", "If it persists, check https://status.claude.com."],
    ["another gateway: its host", said("127.0.0.1:4100"), "https://gateway.example.com:8443/v1", "If it persists, check your inference gateway (gateway.example.com:8443)."],
    ["a hint naming another host: left as it is", said("gateway.example.com"), "https://api.anthropic.com", "If it persists, check your inference gateway (gateway.example.com)."],
  ])("%s", (_name, text, upstream, expected) => {
    const out = upstreamHintOf(text, proxy.baseUrl, new URL(upstream));
    expect(out).toContain(expected);
    expect(out.startsWith("API Error: 500 boom.")).toBe(true);
  });

  it("leaves any other text as it is", () => {
    expect(upstreamHintOf("All done: 3 tests pass.", proxy.baseUrl, new URL("https://api.anthropic.com"))).toBe("All done: 3 tests pass.");
  });
});
