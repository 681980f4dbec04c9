// The credential proxy: the only holder of the VM's long-lived secrets that agents reach. Agents
// get a token of their own process instead of the model key; git and gh reach their hosts through
// it with no secret at all, each request judged as the run of the agent process it comes from
// (peer-agent.ts: the kernel says which process is at the other end). It swaps in the real
// credential and streams both ways, unbuffered. It listens on loopback only (and gh's Unix
// socket), apart from the VM's public port. Rules: core/credential-proxy.ts.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { Agent as HttpAgent, type ClientRequest, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import {
  agentGithubEnv,
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
} from "../core/credential-proxy";
import { modelLimitOfAnswer } from "../core/model-limit-headers";
import { createTokenTable, PROXY_LIMITS, type ProxyLimits, type TokenHolder, type TokenTable } from "../core/proxy-tokens";
import { customHeadersOf } from "../core/secret-env";
import type { ServerGitGrant } from "../core/server-git-scope";
import { createGithubGate, gateGh, gateGit, gateServerGit, type GithubGate } from "../github/github-gate";
import { type AgentEntry, createAgentRegistry } from "./peer-agent";

export type CredentialProxyInput = {
  /** The VM's pass-through variables: the model credential and upstream come from here. */
  cliEnv: Record<string, string>;
  /** The operator's git credentials, as credential-store lines (credentialLinesOf). */
  gitLines: readonly string[];
  githubToken?: string;
  /** Where gh's socket goes (`<dir>/gh.sock`); reachable by every agent uid, its peer's process deciding what passes. */
  socketDir: string;
  /** Tests only: where gh's requests go instead of `https://<their host>` (the host stays in `Host`). */
  ghOrigin?: string;
  /** Tests only: other limits than PROXY_LIMITS. */
  limits?: Partial<ProxyLimits>;
  /** Where gh's requests to `api.github.com` go (GITHUB_API_BASE); default GitHub's. */
  githubApiBase?: string;
  /** What an agent's token may do on GitHub (github-gate.ts); default: nothing of any repository. */
  github?: GithubGate;
};

export type ProxyGrant = { token: string; revoke(): void };

export type AgentHolder = Omit<TokenHolder, "isLive">;

export type CredentialProxy = {
  /** `http://127.0.0.1:<port>`: the agents' way to the proxy. */
  baseUrl: string;
  /** gh's `http_unix_socket`, or null without a GitHub token. */
  ghSocket: string | null;
  /** Whether any git host has a credential (and so a route). */
  routesGit: boolean;
  /**
   * A fresh token, admitted while `isLive()` says so, never after revoke(). The model's answers to
   * it wait for `more.answersReady()` when that gives a promise (the checkpoint before its run): the
   * request goes upstream at once, `answersReady()` is asked once it is on its way, and no tool
   * can run before the checkpoint. `more` also hears of its model requests and refusals. The token
   * is the model's only: on git's and gh's routes it counts for nothing (registerAgent).
   */
  grant(isLive: () => boolean, more?: AgentHolder): ProxyGrant;
  /**
   * Agent process `pid` (a CLI the run manager started): git and gh requests from it or any
   * process it started are judged as `entry.runOf()`'s run, asked at each request (a warm or a
   * spare process serves one run after another). The returned function forgets it (its exit).
   */
  registerAgent(pid: number, entry: AgentEntry): () => void;
  /**
   * A token of the server's own git work (a clone, /ship's push), good for that one operation
   * (core/server-git-scope.ts) until revoked or `expiresAt` (epoch ms), whichever is first.
   */
  grantServer(grant: ServerGitGrant, expiresAt: number): ProxyGrant;
  /** The pass-through variables an agent process gets with `token`: the model's; git and gh get no secret (gh a placeholder). */
  agentEnv(token: string): Record<string, string>;
  /** The lines of the user's git config that send git's hosts through the proxy (no token: agentEnv's). */
  gitConfig(): string;
  /** The same settings as keys and values, for a clone the server runs. */
  gitConfigPairs(token: string): Array<[string, string]>;
  /** An agent's result text with the CLI's hint about the proxy's address naming the upstream instead (upstreamHintOf). */
  resultText(text: string): string;
  close(): Promise<void>;
};

// No shared ceiling: 64 sockets for everyone let one agent's slow requests queue every other
// agent's behind them. Each token's own cap (PROXY_LIMITS.perToken) bounds the sockets instead.
const keepAlive = { keepAlive: true, maxSockets: Number.POSITIVE_INFINITY };
const httpAgent = new HttpAgent(keepAlive);
const httpsAgent = new HttpsAgent(keepAlive);

/** Headers of the upstream's answer that go back: all but the hop-by-hop ones. */
function answerHeaders(upstream: IncomingMessage): Record<string, string | string[]> {
  return forwardableHeaders(upstream.headers);
}

const ERROR_TYPES = { 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error", 502: "api_error", 504: "timeout_error" } as const;

function refuse(res: ServerResponse, status: keyof typeof ERROR_TYPES, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The Messages API's error shape: the CLI says what it got instead of a parse error. A 429 or a
  // 504 is worth retrying (the CLI does, after `retry-after`); the rest is not.
  const type = ERROR_TYPES[status];
  const retry = status === 429 ? { "retry-after": "2" } : status === 502 || status === 504 ? {} : { "x-should-retry": "false" };
  res.writeHead(status, { "content-type": "application/json", ...retry });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

/**
 * `answerReady`: asked once the request is on its way upstream (all of it handed to the socket),
 * or when the answer comes if that is first; the answer waits for what it gives (it stays in the
 * socket's buffers meanwhile). Asked then, not before: what it starts (a run's checkpoint) does not
 * hold the request up. `read`: what a gate read of the request first.
 */
type ForwardOptions = { answerReady?: () => Promise<void> | null; read?: Buffer; onAnswer?: (answer: IncomingMessage) => void };

/** A request with no body at all: nothing to send but its headers. */
const bodyless = (req: IncomingMessage) =>
  (req.method === "GET" || req.method === "HEAD") && req.headers["transfer-encoding"] === undefined && (req.headers["content-length"] ?? "0") === "0";

/**
 * An upstream that closes an idle keep-alive connection as the proxy sends on it resets it before
 * any answer (Node's `reusedSocket`, whose documentation retries exactly this). Sent once more, on a
 * new connection, only when it has no body: a GET or HEAD (git's `info/refs`, gh's reads). A body,
 * even one a gate read whole (gh's `POST …/pulls`), may have reached the upstream and been acted
 * on before the reset: never sent twice, it gets the 502.
 */
const sendAgain = (error: NodeJS.ErrnoException, upstream: ClientRequest, replayable: boolean) => replayable && upstream.reusedSocket && error.code === "ECONNRESET";

/** Streams `req` to `target` and the answer back, chunk by chunk in both directions. */
function forward(req: IncomingMessage, res: ServerResponse, target: URL, headers: Record<string, string | string[]>, limits: ProxyLimits, options: ForwardOptions = {}): void {
  const { answerReady, read, onAnswer } = options;
  let ready: Promise<void> | null | undefined;
  const readyOnce = () => (ready === undefined ? (ready = answerReady?.() ?? null) : ready);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  // Not a byte either way on the upstream socket for idleMs, or the whole request past requestMs:
  // ended, with a 504 while nothing of the answer went out yet (else the connection is cut).
  let timedOut: string | null = null;
  let upstream: ClientRequest;
  const timeOut = (why: string) => {
    timedOut ??= why;
    upstream.destroy(new Error(why));
  };
  const overall = setTimeout(() => timeOut(`it took longer than ${limits.requestMs / 1000} s`), limits.requestMs);
  const replayable = bodyless(req);
  const attempt = (first: boolean) => {
    let answered = false;
    upstream = send(target, { method: req.method, headers, agent: target.protocol === "https:" ? httpsAgent : httpAgent }, (answer) => {
      answered = true;
      answer.on("error", () => res.destroy());
      onAnswer?.(answer);
      const pass = () => {
        if (res.destroyed) return void answer.destroy();
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders(answer));
        answer.pipe(res);
      };
      const gate = readyOnce();
      if (gate) void gate.then(pass, pass);
      else pass();
    });
    const current = upstream;
    if (answerReady) current.once("finish", readyOnce);
    current.setNoDelay(true);
    current.setTimeout(limits.idleMs, () => timeOut(`nothing came or went for ${limits.idleMs / 1000} s`));
    current.on("error", (error: NodeJS.ErrnoException) => {
      if (first && !answered && !timedOut && !res.destroyed && sendAgain(error, current, replayable)) return attempt(false);
      if (timedOut) refuse(res, 504, `the credential proxy ended the request: ${timedOut}`);
      else refuse(res, 502, "the credential proxy could not reach the upstream");
    });
    // Sent again (it has no body), or all of it read by a gate: it goes as it is.
    if (!first) return void current.end();
    if (read && req.readableEnded) return void current.end(read);
    // What a gate read first goes ahead of the rest.
    if (read) current.write(read);
    req.pipe(current);
    req.resume();
  };
  // The agent went away (a stop, a cancel): so does the upstream request.
  res.on("close", () => {
    clearTimeout(overall);
    if (!res.writableFinished) upstream.destroy();
  });
  attempt(true);
}

/**
 * One more request of an admitted token, or a 429 when it holds `perToken` already: its end is
 * counted when the answer is done or the agent goes. False: refused.
 */
function counted(tokens: TokenTable, key: string, res: ServerResponse, limits: ProxyLimits): boolean {
  const end = tokens.begin(key, limits.perToken);
  if (!end) {
    refuse(res, 429, `this agent has ${limits.perToken} requests through the credential proxy under way already; try again when one is done`);
    return false;
  }
  res.on("close", end);
  return true;
}

const NO_RUN = "this request comes from no process of a live run's agent (git and gh work from the agent's own commands, not from a process started apart)";

function joinPath(base: URL, path: string, search: string): URL {
  const target = new URL(base.href);
  target.pathname = `${base.pathname.replace(/\/+$/, "")}${path}`;
  target.search = search;
  return target;
}

export async function startCredentialProxy(input: CredentialProxyInput): Promise<CredentialProxy> {
  const tokens = createTokenTable();
  const agents = createAgentRegistry();
  const limits: ProxyLimits = { ...PROXY_LIMITS, ...input.limits };
  const credential = modelCredentialOf(input.cliEnv);
  const modelUpstream = modelUpstreamOf(input.cliEnv);
  const gitUpstreams = gitUpstreamsOf(input.gitLines);
  const github = input.github ?? createGithubGate({ githubUrl: "https://github.com", dataDir: "/", repos: null });
  const githubApiBase = new URL(input.ghOrigin ?? input.githubApiBase ?? "https://api.github.com");

  const serveHttp = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    const method = req.method ?? "GET";
    if (url.pathname.startsWith(`${MODEL_PREFIX}/`)) {
      const path = url.pathname.slice(MODEL_PREFIX.length);
      if (!credential) return refuse(res, 404, "the VM holds no model credential");
      if (!tokens.admits(presentedToken(req.headers))) return refuse(res, 401, "this agent's proxy token is not valid now (no live run)");
      if (github.serverGrantOf(presentedToken(req.headers))) return refuse(res, 403, "a token of the VM's own git work does not reach the model");
      if (!isModelRequestAllowed(method, path)) return refuse(res, 403, `the credential proxy passes only the Messages API, not ${method} ${path}`);
      const token = presentedToken(req.headers);
      if (!counted(tokens, token ?? "", res, limits)) return;
      tokens.modelRequested(token);
      // A refusal's reset is read here: with an API key the CLI reports none (model-limit-headers.ts).
      const onAnswer = (answer: IncomingMessage) => {
        const seen = modelLimitOfAnswer(answer.statusCode, answer.headers, Date.now());
        if (seen) tokens.modelRefused(token, seen);
      };
      return forward(req, res, joinPath(modelUpstream, path, url.search), modelUpstreamHeaders(req.headers, credential, customHeadersOf(input.cliEnv)), limits, {
        answerReady: () => tokens.answersReadyOf(token),
        onAnswer,
      });
    }
    if (url.pathname.startsWith(`${GIT_PREFIX}/`)) return void serveGit(req, res, url).catch(() => refuse(res, 502, "the credential proxy could not check this request"));
    refuse(res, 404, "no such route");
  };

  // git's routes: the server's own git work by its token (one operation); an agent's by its process.
  const serveGit = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const route = gitRouteOf(url.pathname);
    if (!route) return refuse(res, 404, "not a git route");
    const token = presentedToken(req.headers);
    const grant = github.serverGrantOf(token);
    const peer = grant ? null : await agents.peerOf(req.socket, "tcp");
    const run = peer?.entry.runOf() ?? null;
    if (grant ? !tokens.admits(token) : !run) return refuse(res, 401, grant ? "this token of the VM's own git work is not valid now" : NO_RUN);
    const upstream = gitUpstreams.get(route.host);
    if (!upstream) return refuse(res, 403, `the VM holds no credential for ${route.host}`);
    if (!isGitRequestAllowed(req.method ?? "GET", route.path, url.search)) return refuse(res, 403, "the credential proxy passes only git's smart HTTP");
    if (!counted(tokens, peer ? `agent:${peer.pid}` : (token ?? ""), res, limits)) return;
    const target = joinPath(new URL(upstream.origin), route.path, url.search);
    const headers = { ...forwardableHeaders(req.headers), authorization: upstream.authorization };
    const proceed = (read?: Buffer) => forward(req, res, target, headers, limits, read ? { read } : {});
    // The server's own git work: its one operation, on whichever host (core/server-git-scope.ts).
    if (grant) return gateServerGit(grant, route.host, req, res, route.path, url.search, proceed);
    if (route.host !== github.gitHost) return proceed();
    return gateGit(github, run, req, res, route.path, url.search, proceed);
  };

  // gh (http_unix_socket): plain HTTP over the socket, the real host in `Host`.
  const serveGh = async (req: IncomingMessage, res: ServerResponse) => {
    if (github.serverGrantOf(presentedToken(req.headers))) return refuse(res, 403, "a token of the VM's own git work does not reach GitHub's API");
    const peer = await agents.peerOf(req.socket, "unix");
    const run = peer?.entry.runOf() ?? null;
    if (!peer || !run) return refuse(res, 401, NO_RUN);
    const host = req.headers.host;
    const decision = ghRequestDecision(host);
    if (!decision.forward || !host) return refuse(res, 403, `the credential proxy does not pass gh's requests to ${host ?? "no host"}`);
    // Origin-form only ("/path"): an absolute request target would name a host of its own.
    if (!(req.url ?? "").startsWith("/")) return refuse(res, 403, "the credential proxy takes paths, not URLs");
    const asked = new URL(req.url ?? "/", "http://gh.invalid");
    const headers: Record<string, string | string[]> = { ...forwardableHeaders(req.headers), host: host.toLowerCase() };
    if (!counted(tokens, `agent:${peer.pid}`, res, limits)) return;
    if (!decision.withToken || !input.githubToken) {
      const target = new URL(input.ghOrigin ?? `https://${host.toLowerCase()}`);
      target.pathname = asked.pathname;
      target.search = asked.search;
      return forward(req, res, target, headers, limits);
    }
    const authorization = `token ${input.githubToken}`;
    headers.authorization = authorization;
    const target = joinPath(githubApiBase, asked.pathname, asked.search);
    return gateGh(github, run, req, res, asked.pathname, { apiBase: githubApiBase.href, authorization }, (read) => forward(req, res, target, headers, limits, { read }));
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
    const server = createServer((req, res) => void serveGh(req, res).catch(() => refuse(res, 502, "the credential proxy could not check this request")));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(ghSocket, () => resolve());
    });
    // Every agent uid connects; a process no live run's agent started gets 401 and nothing else.
    chmodSync(ghSocket, 0o666);
    gh = server;
  }

  const closeServer = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const grant = (isLive: () => boolean, more: AgentHolder = {}): ProxyGrant => {
    const token = randomBytes(32).toString("base64url");
    const { revoke } = tokens.grant(token, { ...more, isLive });
    return {
      token,
      revoke() {
        revoke();
        github.forget(token);
      },
    };
  };

  return {
    baseUrl,
    ghSocket,
    routesGit: gitUpstreams.size > 0,
    grant,
    registerAgent: (pid, entry) => agents.register(pid, entry),
    grantServer(operation, expiresAt) {
      const made = grant(() => Date.now() < expiresAt);
      github.allowServer(made.token, operation);
      return made;
    },
    agentEnv: (token) => ({ ...agentPassThrough(input.cliEnv, credential ? { baseUrl, token } : null), ...agentGithubEnv(ghSocket !== null) }),
    gitConfig: () => gitProxyConfig(baseUrl, gitUpstreams),
    gitConfigPairs: (token) => gitProxyPairs(baseUrl, token, gitUpstreams),
    resultText: (text) => upstreamHintOf(text, baseUrl, modelUpstream),
    async close() {
      await Promise.all([closeServer(http), ...(gh ? [closeServer(gh)] : [])]);
      if (ghSocket) rmSync(ghSocket, { force: true });
    },
  };
}
