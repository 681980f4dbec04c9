// The credential proxy's GitHub gate: an agent's requests to GitHub, judged as the run its process
// serves (the proxy tells which by the peer, credentials/peer-agent.ts), checked against its scope (core/github-scope.ts, core/github-api-scope.ts,
// core/github-graphql-scope.ts) before they go upstream with the VM's token: reads on its user's
// conversations' repositories, changes judged by that one run (its conversation's branches, its
// approval mode). A push's commands and a pull request's or a query's body are read first; a
// refusal says why, in the form git or gh shows. The server's own git work (a clone, /ship's push)
// has tokens of its own, each scoped to its one operation (core/server-git-scope.ts): no token
// passes unchecked.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ghApiDecision, ownPullDecision, pullCreateDecision, WHAT_PASSES } from "../core/github-api-scope";
import { graphqlDecision } from "../core/github-graphql-scope";
import { gitDecision, ownBranchesOf, repoOfGitPath, pushDecision, receivePackCommands, receivePackRefusal, type Decision, type GithubScope, type RefUpdate } from "../core/github-scope";
import { serverGitDecision, serverPushDecision, type ServerGitGrant } from "../core/server-git-scope";
import type { GithubRepos } from "./github-repos";
import { userPathsOfKey, workspaceDirOf } from "../users/user-paths";

/**
 * The run an agent's request speaks for, asked at each request: its process's current run (a warm
 * process serves one run at a time, of one workspace), or null between runs.
 */
export type RunReach = {
  userKey: string;
  /** The run's workspace directory. */
  cwd: string;
  /** It asks the user before each command it runs (approvals on). */
  asks: boolean;
};

export type GithubGate = {
  /** `host[:port]` of GITHUB_URL: git requests to it are gated. */
  gitHost: string;
  /** A token of the server's own git work (a clone, /ship's push): that one operation, on any git host. */
  allowServer(token: string, grant: ServerGitGrant): void;
  forget(token: string): void;
  /** The operation a token of the server's own git work is for; null for any other token. */
  serverGrantOf(token: string | null): ServerGitGrant | null;
  /** A run's scope now: its user's repositories, its own branches; no run has an empty one. */
  scopeOf(run: RunReach | null): GithubScope;
};

export type GithubGateDeps = {
  githubUrl: string;
  /** DATA_DIR: where each user's workspace directories are, to tell which is a run's. */
  dataDir: string;
  repos: Pick<GithubRepos, "of"> | null;
};

const NO_SCOPE: GithubScope = { repos: [], runAsks: false };

export function createGithubGate(deps: GithubGateDeps): GithubGate {
  const server = new Map<string, ServerGitGrant>();
  return {
    gitHost: new URL(deps.githubUrl).host.toLowerCase(),
    allowServer: (token, grant) => void server.set(token, grant),
    forget: (token) => void server.delete(token),
    serverGrantOf: (token) => (token === null ? null : (server.get(token) ?? null)),
    scopeOf(run) {
      if (!run || !deps.repos) return NO_SCOPE;
      const paths = userPathsOfKey(deps.dataDir, run.userKey);
      return {
        runAsks: run.asks,
        repos: deps.repos.of(run.userKey).map((entry) => ({
          repo: entry.repo,
          workspace: entry.workspace,
          ownBranches: ownBranchesOf(entry.workspace, entry.branch, entry.defaultBranch),
          ofRun: workspaceDirOf(paths, entry.workspace) === run.cwd,
        })),
      };
    },
  };
}

/** Goes upstream; `body`: what was read of the request already, sent before the rest. */
export type Proceed = (body?: Buffer) => void;

const MAX_COMMANDS_BYTES = 64 * 1024;
const MAX_JSON_BYTES = 1024 * 1024;

/** A plain-text refusal: git prints it after `remote:` for the ref advertisement. */
function refuseGit(res: ServerResponse, why: string): void {
  res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
  res.end(`The relay's credential proxy refused this: ${why}.\n`);
}

/** GitHub's error shape, which gh prints as `gh: <message> (HTTP 403)`. */
export function refuseGh(res: ServerResponse, why: string): void {
  res.writeHead(403, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify({ message: `The relay's credential proxy refused this: ${why}. ${WHAT_PASSES[0]?.toUpperCase()}${WHAT_PASSES.slice(1)}.`, documentation_url: "https://docs.github.com/rest" }));
}

/** Reads the request until `done` says it has enough (or it ends, or passes `max`). */
function readHead(req: IncomingMessage, max: number, done: (head: Buffer) => boolean): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (value: Buffer | null) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const head = Buffer.concat(chunks);
      if (done(head)) finish(head);
      else if (size > max) finish(null);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    req.on("data", onData);
    req.on("end", onEnd);
  });
}

/**
 * A push's commands read from the head of its body and decided; every ref allowed: upstream with
 * what was read; else receive-pack's own refusal of each ref.
 */
async function gatePush(req: IncomingMessage, res: ServerResponse, decide: (updates: RefUpdate[]) => Map<string, Decision>, proceed: Proceed): Promise<void> {
  if ((req.headers["content-encoding"] ?? "identity") !== "identity") return refuseGit(res, "a compressed push cannot be checked");
  const head = await readHead(req, MAX_COMMANDS_BYTES, (bytes) => receivePackCommands(bytes) !== "incomplete");
  const commands = head ? receivePackCommands(head) : "invalid";
  if (!head || typeof commands === "string") return refuseGit(res, "the push's commands could not be read");
  const decisions = decide(commands.updates);
  if ([...decisions.values()].every((d) => d.allow === true)) return proceed(head);
  // The rest of the pack is read and dropped: git is still sending it.
  req.resume();
  res.writeHead(200, { "content-type": "application/x-git-receive-pack-result", "cache-control": "no-cache" });
  res.end(receivePackRefusal(commands.updates, decisions, commands.capabilities));
}

/** A git request of the server's own git work, on any git host: its one repository and service, and for a push its one branch. */
export async function gateServerGit(grant: ServerGitGrant, host: string, req: IncomingMessage, res: ServerResponse, path: string, search: string, proceed: Proceed): Promise<void> {
  const decision = serverGitDecision(grant, host, path, search);
  if (decision.allow !== true) return refuseGit(res, decision.why);
  if (req.method !== "POST" || !path.endsWith("/git-receive-pack")) return proceed();
  return gatePush(req, res, (updates) => serverPushDecision(grant, updates), proceed);
}

/** A git request of an agent to GITHUB_URL's host, judged as `run` (the one its process serves). */
export async function gateGit(gate: GithubGate, run: RunReach | null, req: IncomingMessage, res: ServerResponse, path: string, search: string, proceed: Proceed): Promise<void> {
  const scope = gate.scopeOf(run);
  const { decision, push } = gitDecision(scope, path, search);
  if (decision.allow !== true) return refuseGit(res, decision.why);
  if (!push || req.method !== "POST") return proceed();
  return gatePush(req, res, (updates) => pushDecision(scope, repoOfGitPath(path), updates), proceed);
}

export async function gateGh(
  gate: GithubGate,
  run: RunReach | null,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  upstream: { apiBase: string; authorization: string },
  proceed: Proceed,
): Promise<void> {
  const scope = gate.scopeOf(run);
  const decision = ghApiDecision(scope, req.method ?? "GET", path);
  if (decision.allow === false) return refuseGh(res, decision.why);
  if (decision.allow === true) return proceed();
  if (decision.allow === "own_pull") {
    const pull = await fetch(`${upstream.apiBase.replace(/\/+$/, "")}/repos/${decision.repo.repo}/pulls/${decision.number}`, {
      headers: { authorization: upstream.authorization, accept: "application/vnd.github+json", "user-agent": "agent-vm-credential-proxy" },
    }).then((answer) => (answer.ok ? (answer.json() as Promise<Parameters<typeof ownPullDecision>[1]>) : null), () => null);
    const own = ownPullDecision(decision.repo, pull);
    return own.allow === true ? proceed() : refuseGh(res, own.why);
  }
  const body = await readHead(req, MAX_JSON_BYTES, () => false);
  let parsed: unknown = null;
  try {
    parsed = body ? JSON.parse(body.toString("utf8")) : null;
  } catch {
    // Not JSON: refused below.
  }
  const checked: Decision = decision.allow === "graphql" ? graphqlDecision(scope.repos.map((r) => r.repo), parsed) : pullCreateDecision(decision.repo, parsed);
  return checked.allow === true ? proceed(body ?? Buffer.alloc(0)) : refuseGh(res, checked.why);
}
