// The credential proxy's rules, pure: which model credential the VM holds and how the CLI is
// pointed at the proxy instead, which requests may pass (only the Messages API, only git's smart
// HTTP, only the GitHub API hosts), and the headers that go upstream with the real credential.
import type { IncomingHttpHeaders } from "node:http";
import { MODEL_CREDENTIAL_VARIABLES } from "./secret-env";
import { OFFLINE_MODEL_KEY } from "../../../src/protocol/vm/runs";

export type ModelCredentialVariable = (typeof MODEL_CREDENTIAL_VARIABLES)[number];

/**
 * The long-lived model credential and how the CLI sends it (observed, Claude Code 2.1.330): an API
 * key as `x-api-key`, an auth token or OAuth token as `authorization: Bearer` (OAuth with its own
 * `anthropic-beta` flag, which the CLI adds itself when it holds a token in that same variable).
 */
export type ModelCredential = { variable: ModelCredentialVariable; value: string };

export const DEFAULT_MODEL_UPSTREAM = "https://api.anthropic.com";
/** Where the model routes live on the proxy: the CLI's ANTHROPIC_BASE_URL is `<proxy>/model`. */
export const MODEL_PREFIX = "/model";
/** Where git's routes live: `/git/<host>/<repository path>`, the token in `authorization`. */
export const GIT_PREFIX = "/git";

export function modelCredentialOf(cliEnv: Record<string, string>): ModelCredential | null {
  for (const variable of MODEL_CREDENTIAL_VARIABLES) {
    const value = cliEnv[variable]?.trim();
    if (value) return { variable, value };
  }
  return null;
}

/** Whether the model the VM holds is the project's offline model (the key the local stack gives it): free. */
export function isOfflineModel(cliEnv: Record<string, string>): boolean {
  return modelCredentialOf(cliEnv)?.value === OFFLINE_MODEL_KEY;
}

/** The VM's own upstream: its ANTHROPIC_BASE_URL (the offline model, a gateway) or Anthropic's API; no trailing slash. */
export function modelUpstreamOf(cliEnv: Record<string, string>): URL {
  return new URL((cliEnv.ANTHROPIC_BASE_URL?.trim() || DEFAULT_MODEL_UPSTREAM).replace(/\/+$/, ""));
}

/**
 * The CLI ends an API error's text with where to look if it persists: the host of its
 * ANTHROPIC_BASE_URL, which behind the proxy is the proxy's loopback address. That means nothing
 * to the user who reads it on WhatsApp. It is named as the CLI names the upstream the VM reaches:
 * Anthropic's status page for Anthropic's API, the gateway's host for any other (wording observed,
 * Claude Code 2.1.330; other text is left as it is).
 */
export function upstreamHintOf(text: string, proxyBaseUrl: string, upstream: URL): string {
  const hint = `check your inference gateway (${new URL(proxyBaseUrl).host})`;
  if (!text.includes(hint)) return text;
  const instead = upstream.origin === DEFAULT_MODEL_UPSTREAM ? "check https://status.claude.com" : `check your inference gateway (${upstream.host})`;
  return text.split(hint).join(instead);
}

/**
 * The pass-through variables as an agent gets them: no model credential of the VM's, and when the
 * VM has one, the proxy's base URL and the process's own token in the variable the credential came
 * in (so the CLI sends it in the header it would send the real one in). Without a credential the
 * CLI gets none, as before: it answers `no_credentials`.
 */
export function agentPassThrough(passThrough: Record<string, string>, proxy: { baseUrl: string; token: string } | null): Record<string, string> {
  const credential = modelCredentialOf(passThrough);
  const env = Object.fromEntries(Object.entries(passThrough).filter(([name]) => !(MODEL_CREDENTIAL_VARIABLES as readonly string[]).includes(name)));
  if (!credential || !proxy) return env;
  return { ...env, ...loopbackUnproxied(env), ANTHROPIC_BASE_URL: `${proxy.baseUrl}${MODEL_PREFIX}`, [credential.variable]: proxy.token };
}

/**
 * With an operator's `HTTP(S)_PROXY` passed through, the CLI would send its loopback requests
 * to that proxy, which cannot reach the VM's loopback: `127.0.0.1` joins `NO_PROXY`.
 */
function loopbackUnproxied(env: Record<string, string>): Record<string, string> {
  if (!env.HTTP_PROXY && !env.HTTPS_PROXY) return {};
  const listed = (env.NO_PROXY ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  return { NO_PROXY: [...new Set([...listed, "127.0.0.1"])].join(",") };
}

/**
 * The Messages API paths the CLI uses (observed: `POST /v1/messages?beta=true`; token counting is
 * the same API's). Anything else, any other method, is no model call: 403.
 */
const MODEL_PATHS = new Set(["/v1/messages", "/v1/messages/count_tokens"]);

export function isModelRequestAllowed(method: string, path: string): boolean {
  return method === "POST" && MODEL_PATHS.has(path);
}

/** Headers a proxy never forwards (RFC 9110 §7.6.1), plus the ones it sets itself. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host"]);
const CREDENTIAL_HEADERS = new Set(["x-api-key", "authorization"]);

/** The agent's headers without hop-by-hop ones and without any credential it presented. */
export function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || CREDENTIAL_HEADERS.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * What goes upstream: the agent's request headers, the VM's own `ANTHROPIC_CUSTOM_HEADERS`
 * (`custom`, core/secret-env.ts: the agent never sees them), and the real credential in the header
 * the CLI uses for its kind.
 */
export function modelUpstreamHeaders(headers: IncomingHttpHeaders, credential: ModelCredential, custom: Record<string, string> = {}): Record<string, string | string[]> {
  const out = { ...forwardableHeaders(headers), ...custom };
  if (credential.variable === "ANTHROPIC_API_KEY") out["x-api-key"] = credential.value;
  else out.authorization = `Bearer ${credential.value}`;
  return out;
}

/** The token an agent presents: `x-api-key`, `authorization: Bearer …` (the CLI) or `authorization: token …` (gh). */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const key = headers["x-api-key"];
  if (typeof key === "string" && key !== "") return key;
  const match = /^(?:Bearer|token)\s+(\S+)$/i.exec(headers.authorization ?? "");
  return match?.[1] ?? null;
}

/** A git host the VM holds a credential for: where its requests go and the header that proves who we are. */
export type GitUpstream = { origin: string; authorization: string };

/**
 * From the credential-store lines (credentialLinesOf): `host[:port]` → its origin and a Basic
 * header. The first line of a host wins, as in git's credential-store.
 */
export function gitUpstreamsOf(lines: readonly string[]): Map<string, GitUpstream> {
  const upstreams = new Map<string, GitUpstream>();
  for (const line of lines) {
    const url = new URL(line);
    if (upstreams.has(url.host)) continue;
    const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`, "utf8").toString("base64");
    upstreams.set(url.host, { origin: url.origin, authorization: `Basic ${basic}` });
  }
  return upstreams;
}

export type GitRoute = { host: string; path: string };

/** `/git/<host>/<path>` split up, or null when it is not that shape. */
export function gitRouteOf(pathname: string): GitRoute | null {
  const match = /^\/git\/([A-Za-z0-9.-]+(?::\d{1,5})?)(\/.*)$/.exec(pathname);
  if (!match?.[1] || !match[2]) return null;
  return { host: match[1].toLowerCase(), path: match[2] };
}

/**
 * Git's smart HTTP and nothing else: the ref advertisement and the two pack services of one
 * repository. So the route is no way to the host's web pages or API with the VM's credential.
 */
export function isGitRequestAllowed(method: string, path: string, search: string): boolean {
  if (path.split("/").some((segment) => segment === ".." || segment === ".")) return false;
  const service = new URLSearchParams(search).get("service");
  if (method === "GET" && /^\/[^?#]+\/info\/refs$/.test(path)) return service === "git-upload-pack" || service === "git-receive-pack";
  return method === "POST" && /^\/[^?#]+\/(git-upload-pack|git-receive-pack)$/.test(path);
}

/**
 * The git settings that send the credential hosts' URLs through the proxy for a git the server runs
 * (a clone, /ship's push): a `url.….insteadOf` rewrite per host, and the operation's token as an
 * `Authorization` header git adds to the proxy's URLs alone (`http.<url>.extraHeader`). The token
 * is in the server git's environment, never in a URL: git hands the URL to `git-remote-http` on
 * its command line, which every uid may read. An agent's git carries no token at all: the proxy
 * knows it by its process (credentials/peer-agent.ts).
 */
export function gitProxyPairs(proxyBaseUrl: string, token: string, upstreams: Map<string, GitUpstream>): Array<[string, string]> {
  if (upstreams.size === 0) return [];
  return [[`http.${proxyBaseUrl}${GIT_PREFIX}/.extraHeader`, `Authorization: Bearer ${token}`], ...gitProxyRewrites(proxyBaseUrl, upstreams)];
}

function gitProxyRewrites(proxyBaseUrl: string, upstreams: Map<string, GitUpstream>): Array<[string, string]> {
  return [...upstreams].map(([host, { origin }]): [string, string] => [`url.${proxyBaseUrl}${GIT_PREFIX}/${host}/.insteadOf`, `${origin}/`]);
}

/**
 * The rewrites alone as a config file's text (the user's HOME: every process of the user reads
 * it, so it holds no token), `section.subsection.name` keys as `[section "subsection"]`. The values
 * hold no quote or backslash: hosts and origins come from parsed URLs.
 */
export function gitProxyConfig(proxyBaseUrl: string, upstreams: Map<string, GitUpstream>): string {
  return gitProxyRewrites(proxyBaseUrl, upstreams)
    .map(([key, value]) => {
      const section = key.slice(0, key.indexOf("."));
      const name = key.slice(key.lastIndexOf(".") + 1);
      const subsection = key.slice(section.length + 1, key.length - name.length - 1);
      return `[${section} "${subsection}"]\n\t${name} = ${value}\n`;
    })
    .join("");
}

/**
 * What gh needs in an agent's environment: a `GH_TOKEN`, or gh refuses to send anything. It is no
 * secret: the proxy drops it and judges each request by the process it comes from
 * (credentials/peer-agent.ts). Before, each process held a token of its own here and in
 * `GIT_CONFIG_*`, which any process of the same uid read in `/proc/<pid>/environ`.
 */
export const GH_PLACEHOLDER_TOKEN = "judged-by-process-not-by-token";

export function agentGithubEnv(gh: boolean): Record<string, string> {
  return gh ? { GH_TOKEN: GH_PLACEHOLDER_TOKEN } : {};
}

/** The same as `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`: for a git the server runs (a clone), off its command line. */
export function gitConfigEnv(pairs: Array<[string, string]>): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/**
 * The GitHub hosts gh reaches through the proxy's socket (gh's `http_unix_socket`): the API with
 * the VM's token (uploads.github.com, release assets, is nothing a coding agent needs); the hosts
 * GitHub redirects downloads to, without it.
 */
const GH_API_HOSTS = new Set(["api.github.com"]);
const GH_DOWNLOAD_HOSTS = new Set(["codeload.github.com", "objects.githubusercontent.com", "raw.githubusercontent.com", "release-assets.githubusercontent.com"]);

export type GhDecision = { forward: true; withToken: boolean } | { forward: false };

export function ghRequestDecision(host: string | undefined): GhDecision {
  const name = (host ?? "").toLowerCase();
  if (GH_API_HOSTS.has(name)) return { forward: true, withToken: true };
  if (GH_DOWNLOAD_HOSTS.has(name)) return { forward: true, withToken: false };
  return { forward: false };
}
