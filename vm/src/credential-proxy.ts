// The credential proxy: the only holder of the VM's long-lived secrets that agents reach. Agents
// get a token of their own process instead of the model key, and git and gh reach their hosts
// through it; it swaps in the real credential and streams both ways, unbuffered. It listens on
// loopback only (and gh's Unix socket), apart from the VM's public port. Rules: core/credential-proxy.ts.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import {
  agentPassThrough,
  forwardableHeaders,
  ghRequestDecision,
  GIT_PREFIX,
  gitProxyConfig,
  gitProxyPairs,
  gitRouteOf,
  gitUpstreamsOf,
  isGitRequestAllowed,
  isModelRequestAllowed,
  MODEL_PREFIX,
  modelCredentialOf,
  modelUpstreamHeaders,
  modelUpstreamOf,
  presentedToken,
  upstreamHintOf,
} from "./core/credential-proxy";
import { createTokenTable } from "./core/proxy-tokens";
import { createGithubGate, gateGh, gateGit, type GithubGate } from "./github-gate";

export type CredentialProxyInput = {
  /** The VM's pass-through variables: the model credential and upstream come from here. */
  cliEnv: Record<string, string>;
  /** The operator's git credentials, as credential-store lines (credentialLinesOf). */
  gitLines: readonly string[];
  githubToken?: string;
  /** Where gh's socket goes (`<dir>/gh.sock`); reachable by every agent uid, the token guarding it. */
  socketDir: string;
  /** Tests only: where gh's requests go instead of `https://<their host>` (the host stays in `Host`). */
  ghOrigin?: string;
  /** Where gh's requests to `api.github.com` go (GITHUB_API_BASE); default GitHub's. */
  githubApiBase?: string;
  /** What an agent's token may do on GitHub (github-gate.ts); default: nothing of any repository. */
  github?: GithubGate;
};

export type ProxyGrant = { token: string; revoke(): void };

export type CredentialProxy = {
  /** `http://127.0.0.1:<port>`: the agents' way to the proxy. */
  baseUrl: string;
  /** gh's `http_unix_socket`, or null without a GitHub token. */
  ghSocket: string | null;
  /** Whether any git host has a credential (and so a route). */
  routesGit: boolean;
  /** A fresh token, admitted while `isLive()` says so, never after revoke(). */
  grant(isLive: () => boolean): ProxyGrant;
  /** The pass-through variables an agent process gets with `token`. */
  agentEnv(token: string): Record<string, string>;
  /** The lines of an agent's git config that send its git through the proxy with `token`. */
  gitConfig(token: string): string;
  /** The same settings as keys and values, for a clone the server runs. */
  gitConfigPairs(token: string): Array<[string, string]>;
  /** An agent's result text with the CLI's hint about the proxy's address naming the upstream instead (upstreamHintOf). */
  resultText(text: string): string;
  close(): Promise<void>;
};

const keepAlive = { keepAlive: true, maxSockets: 64 };
const httpAgent = new HttpAgent(keepAlive);
const httpsAgent = new HttpsAgent(keepAlive);

/** Headers of the upstream's answer that go back: all but the hop-by-hop ones. */
function answerHeaders(upstream: IncomingMessage): Record<string, string | string[]> {
  return forwardableHeaders(upstream.headers);
}

function refuse(res: ServerResponse, status: 401 | 403 | 404 | 502, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The Messages API's error shape: the CLI says what it got instead of a parse error.
  const type = status === 401 ? "authentication_error" : status === 403 ? "permission_error" : status === 404 ? "not_found_error" : "api_error";
  res.writeHead(status, { "content-type": "application/json", ...(status === 502 ? {} : { "x-should-retry": "false" }) });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

/** Streams `req` to `target` and the answer back, chunk by chunk in both directions. */
function forward(req: IncomingMessage, res: ServerResponse, target: URL, headers: Record<string, string | string[]>, read?: Buffer): void {
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers, agent: target.protocol === "https:" ? httpsAgent : httpAgent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders(answer));
    answer.pipe(res);
    answer.on("error", () => res.destroy());
  });
  upstream.setNoDelay(true);
  upstream.on("error", () => refuse(res, 502, "the credential proxy could not reach the upstream"));
  // The agent went away (a stop, a cancel): so does the upstream request.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  // What a gate read first goes ahead of the rest.
  if (read && req.readableEnded) return void upstream.end(read);
  if (read) upstream.write(read);
  req.pipe(upstream);
  req.resume();
}

function joinPath(base: URL, path: string, search: string): URL {
  const target = new URL(base.href);
  target.pathname = `${base.pathname.replace(/\/+$/, "")}${path}`;
  target.search = search;
  return target;
}

export async function startCredentialProxy(input: CredentialProxyInput): Promise<CredentialProxy> {
  const tokens = createTokenTable();
  const credential = modelCredentialOf(input.cliEnv);
  const modelUpstream = modelUpstreamOf(input.cliEnv);
  const gitUpstreams = gitUpstreamsOf(input.gitLines);
  const github = input.github ?? createGithubGate({ githubUrl: "https://github.com", repos: null, pushApproved: () => false });
  const githubApiBase = new URL(input.ghOrigin ?? input.githubApiBase ?? "https://api.github.com");

  const serveHttp = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    const method = req.method ?? "GET";
    if (url.pathname.startsWith(`${MODEL_PREFIX}/`)) {
      const path = url.pathname.slice(MODEL_PREFIX.length);
      if (!credential) return refuse(res, 404, "the VM holds no model credential");
      if (!tokens.admits(presentedToken(req.headers))) return refuse(res, 401, "this agent's proxy token is not valid now (no live run)");
      if (!isModelRequestAllowed(method, path)) return refuse(res, 403, `the credential proxy passes only the Messages API, not ${method} ${path}`);
      return forward(req, res, joinPath(modelUpstream, path, url.search), modelUpstreamHeaders(req.headers, credential));
    }
    if (url.pathname.startsWith(`${GIT_PREFIX}/`)) {
      const route = gitRouteOf(url.pathname);
      if (!route) return refuse(res, 404, "not a git route");
      if (!tokens.admits(presentedToken(req.headers))) return refuse(res, 401, "this agent's proxy token is not valid now (no live run)");
      const upstream = gitUpstreams.get(route.host);
      if (!upstream) return refuse(res, 403, `the VM holds no credential for ${route.host}`);
      if (!isGitRequestAllowed(method, route.path, url.search)) return refuse(res, 403, "the credential proxy passes only git's smart HTTP");
      const target = joinPath(new URL(upstream.origin), route.path, url.search);
      const headers = { ...forwardableHeaders(req.headers), authorization: upstream.authorization };
      if (route.host !== github.gitHost) return forward(req, res, target, headers);
      return void gateGit(github, presentedToken(req.headers), req, res, route.path, url.search, (read) => forward(req, res, target, headers, read)).catch(() => refuse(res, 502, "the credential proxy could not check this request"));
    }
    refuse(res, 404, "no such route");
  };

  // gh (http_unix_socket): plain HTTP over the socket, the real host in `Host`.
  const serveGh = (req: IncomingMessage, res: ServerResponse) => {
    if (!tokens.admits(presentedToken(req.headers))) return refuse(res, 401, "this agent's proxy token is not valid now (no live run)");
    const host = req.headers.host;
    const decision = ghRequestDecision(host);
    if (!decision.forward || !host) return refuse(res, 403, `the credential proxy does not pass gh's requests to ${host ?? "no host"}`);
    // Origin-form only ("/path"): an absolute request target would name a host of its own.
    if (!(req.url ?? "").startsWith("/")) return refuse(res, 403, "the credential proxy takes paths, not URLs");
    const asked = new URL(req.url ?? "/", "http://gh.invalid");
    const headers: Record<string, string | string[]> = { ...forwardableHeaders(req.headers), host: host.toLowerCase() };
    if (!decision.withToken || !input.githubToken) {
      const target = new URL(input.ghOrigin ?? `https://${host.toLowerCase()}`);
      target.pathname = asked.pathname;
      target.search = asked.search;
      return forward(req, res, target, headers);
    }
    const authorization = `token ${input.githubToken}`;
    headers.authorization = authorization;
    const target = joinPath(githubApiBase, asked.pathname, asked.search);
    void gateGh(github, presentedToken(req.headers), req, res, asked.pathname, { apiBase: githubApiBase.href, authorization }, (read) => forward(req, res, target, headers, read)).catch(() =>
      refuse(res, 502, "the credential proxy could not check this request"),
    );
  };

  const http = createServer({ noDelay: true }, serveHttp);
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  let gh: Server | null = null;
  const ghSocket = input.githubToken ? `${input.socketDir}/gh.sock` : null;
  if (ghSocket) {
    mkdirSync(dirname(ghSocket), { recursive: true, mode: 0o711 });
    chmodSync(dirname(ghSocket), 0o711);
    rmSync(ghSocket, { force: true });
    const server = createServer(serveGh);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(ghSocket, () => resolve());
    });
    // Every agent uid connects; without a live token it gets 401 and nothing else.
    chmodSync(ghSocket, 0o666);
    gh = server;
  }

  const closeServer = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    baseUrl,
    ghSocket,
    routesGit: gitUpstreams.size > 0,
    grant(isLive) {
      const token = randomBytes(32).toString("base64url");
      const { revoke } = tokens.grant(token, { isLive });
      return {
        token,
        revoke() {
          revoke();
          github.forget(token);
        },
      };
    },
    agentEnv: (token) => agentPassThrough(input.cliEnv, credential ? { baseUrl, token } : null),
    gitConfig: (token) => gitProxyConfig(baseUrl, token, gitUpstreams),
    gitConfigPairs: (token) => gitProxyPairs(baseUrl, token, gitUpstreams),
    resultText: (text) => upstreamHintOf(text, baseUrl, modelUpstream),
    async close() {
      await Promise.all([closeServer(http), ...(gh ? [closeServer(gh)] : [])]);
      if (ghSocket) rmSync(ghSocket, { force: true });
    },
  };
}
