// Starts the GitHub stand-in on one local port: git over smart HTTP at `/<owner>/<repo>.git`
// (git's own `git http-backend` over bare repositories in a directory of its own) and the REST API
// at `/api/v3`, both behind the accounts' tokens (docs/github-emulator.md).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { z } from "zod";
import { accountOf, allows, permissionOf } from "./core/access";
import { API_PREFIX, createGithubApp } from "./app";
import { repoKeyOf, type GithubContext } from "./context";
import { headsBeforePush, pushed } from "./shell/events";
import { createBareRepo, serveGit } from "./shell/git-backend";

const Permission = z.enum(["read", "write", "admin"]);
export const RepoSeedSchema = z.object({
  owner: z.string().regex(/^[A-Za-z0-9-]{1,39}$/),
  name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  private: z.boolean().default(true),
  defaultBranch: z.string().min(1).default("main"),
  /** The first commit's files; none: an empty repository. */
  files: z.record(z.string(), z.string()).default({ "README.md": "# stand-in\n" }),
  collaborators: z.record(z.string(), Permission).default({}),
});
export type RepoSeed = z.input<typeof RepoSeedSchema>;

export const GithubEmulatorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  /** Where the bare repositories go; default a temp directory removed at close(). */
  dataDir: z.string().min(1).optional(),
  accounts: z.array(z.object({ login: z.string().regex(/^[A-Za-z0-9-]{1,39}$/), token: z.string().min(1) })).min(1),
  repos: z.array(RepoSeedSchema).default([]),
});
export type GithubEmulatorOptions = z.input<typeof GithubEmulatorOptionsSchema>;

export type RunningGithubEmulator = {
  /** `http://127.0.0.1:<port>`: the git host (GITHUB_URL). */
  url: string;
  /** `<url>/api/v3`: the REST API (GITHUB_API_BASE). */
  apiUrl: string;
  /** The stand-in's records, for tests to read. */
  state: GithubContext;
  addRepo(seed: RepoSeed): void;
  close(): Promise<void>;
};

/** `/<owner>/<repo>(.git)/<git smart HTTP path>` */
const GIT_PATH = /^\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

function gitAnswer(res: ServerResponse, status: 401 | 403 | 404, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...(status === 401 ? { "www-authenticate": 'Basic realm="GitHub"' } : {}) });
  res.end(`${text}\n`);
}

/** What GitHub does with a git request: anonymous reads of public repositories, reads with read access, pushes with write. */
async function handleGit(ctx: GithubContext, req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
  const [, owner = "", name = "", rest = ""] = match;
  const account = accountOf(ctx.accounts, req.headers.authorization);
  ctx.requests.push({ method: req.method ?? "GET", path: url.pathname, login: account?.login ?? null });
  const repo = ctx.repos.get(repoKeyOf(owner, name));
  const pushing = rest === "git-receive-pack" || url.searchParams.get("service") === "git-receive-pack";
  const held = repo ? permissionOf(repo, account?.login ?? "") : null;
  if (!account && (pushing || !repo || repo.private)) return gitAnswer(res, 401, "Authentication required");
  if (!repo || held === null) return gitAnswer(res, 404, "Repository not found.");
  if (pushing && !allows(held, "write")) return gitAnswer(res, 403, `Permission to ${repo.owner}/${repo.name}.git denied to ${account?.login ?? "anonymous"}.`);
  // A push that moves an open pull request's branch is told to the hooks (`synchronize`), as on GitHub.
  const before = rest === "git-receive-pack" ? await headsBeforePush(ctx, repo) : null;
  if (before && before.size > 0) res.once("finish", () => void pushed(ctx, repo, before, account?.login ?? repo.owner));
  serveGit(req, res, ctx.root, `/${repo.owner.toLowerCase()}/${repo.name.toLowerCase()}.git/${rest}`, url.search.slice(1), account?.login ?? "anonymous");
}

export async function startGithubEmulator(options: GithubEmulatorOptions): Promise<RunningGithubEmulator> {
  const config = GithubEmulatorOptionsSchema.parse(options);
  const ownDir = config.dataDir ? null : mkdtempSync(join(tmpdir(), "github-stand-in-"));
  const root = config.dataDir ?? ownDir ?? "";
  let id = 1000;
  const numbers = new Map<string, number>();
  const ctx: GithubContext = {
    root,
    urls: { api: "", web: "" },
    accounts: config.accounts.map((account, i) => ({ ...account, id: 100 + i })),
    repos: new Map(),
    pulls: [],
    issues: [],
    hooks: [],
    deliveries: [],
    issueComments: [],
    checkRuns: [],
    checkSuites: [],
    reviews: [],
    reviewComments: [],
    settingsChanges: [],
    requests: [],
    nextId: () => ++id,
    nextNumber: (repo) => {
      const next = (numbers.get(repo) ?? 0) + 1;
      numbers.set(repo, next);
      return next;
    },
    now: () => Date.now(),
  };
  const addRepo = (input: RepoSeed) => {
    const seed = RepoSeedSchema.parse(input);
    createBareRepo(root, seed.owner, seed.name, seed.files, seed.defaultBranch);
    ctx.repos.set(repoKeyOf(seed.owner, seed.name), { owner: seed.owner, name: seed.name, private: seed.private, collaborators: seed.collaborators, id: ctx.nextId(), defaultBranch: seed.defaultBranch, createdAt: ctx.now() });
  };
  config.repos.forEach(addRepo);

  const rest = getRequestListener(createGithubApp(ctx).fetch);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://github.invalid");
    const git = url.pathname.startsWith(`${API_PREFIX}/`) ? null : GIT_PATH.exec(url.pathname);
    if (git) return void handleGit(ctx, req, res, url, git);
    void rest(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const web = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  ctx.urls = { web, api: `${web}${API_PREFIX}` };
  return {
    url: web,
    apiUrl: ctx.urls.api,
    state: ctx,
    addRepo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (ownDir) rmSync(ownDir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
