// The stand-in's git: bare repositories under one directory, served over smart HTTP by git's own
// `git http-backend` (CGI, one child per request), and read (`rev-parse`, `rev-list`) for the REST side.
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** git with no system or user config and English messages: the stand-in never reads the machine's settings. */
const GIT_ENV = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  LC_ALL: "C",
};

export function bareDirOf(root: string, owner: string, name: string): string {
  return join(root, owner.toLowerCase(), `${name.toLowerCase()}.git`);
}

/** A bare repository with one commit of `files` on `defaultBranch` (none: an empty repository). */
export function createBareRepo(root: string, owner: string, name: string, files: Record<string, string>, defaultBranch: string): void {
  const bare = bareDirOf(root, owner, name);
  mkdirSync(dirname(bare), { recursive: true });
  execFileSync("git", ["init", "-q", "--bare", `--initial-branch=${defaultBranch}`, bare], { env: GIT_ENV });
  if (Object.keys(files).length === 0) return;
  const work = mkdtempSync(join(tmpdir(), "github-seed-"));
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", work, ...args], {
        env: { ...GIT_ENV, GIT_AUTHOR_NAME: "Stand-in", GIT_AUTHOR_EMAIL: "stand-in@example.invalid", GIT_COMMITTER_NAME: "Stand-in", GIT_COMMITTER_EMAIL: "stand-in@example.invalid" },
      });
    git("init", "-q", `--initial-branch=${defaultBranch}`);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    git("add", "-A");
    git("commit", "-q", "-m", "Initial commit");
    git("push", "-q", bare, `HEAD:refs/heads/${defaultBranch}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function gitOut(bare: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", ["--git-dir", bare, ...args], { env: GIT_ENV, encoding: "utf8" }, (error, stdout) => resolve(error ? null : stdout.trim()));
  });
}

/** The commit a branch points at, or null when there is no such branch. */
export function branchSha(bare: string, branch: string): Promise<string | null> {
  return gitOut(bare, ["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`]);
}

/** The unified diff of what `head` brings over its merge base with `base` (GitHub's three-dot diff of a pull request), or null. */
export function pullDiff(bare: string, base: string, head: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", ["--git-dir", bare, "diff", "--no-color", "--no-ext-diff", `${base}...${head}`], { env: GIT_ENV, encoding: "utf8", maxBuffer: 8 * 1024 * 1024 }, (error, stdout) => resolve(error ? null : stdout));
  });
}

/** How many commits `head` has that `base` lacks. */
export async function commitsAhead(bare: string, base: string, head: string): Promise<number> {
  const count = await gitOut(bare, ["rev-list", "--count", `${base}..${head}`]);
  return Number(count ?? 0);
}

/** Whether `sha` is an ancestor of (merged into) `into`. */
export async function isAncestor(bare: string, sha: string, into: string): Promise<boolean> {
  return (await gitOut(bare, ["merge-base", "--is-ancestor", sha, into])) !== null;
}

/** One smart-HTTP request through `git http-backend`; `pathInfo` is `/<owner>/<name>.git/…` under `root`. */
export function serveGit(req: IncomingMessage, res: ServerResponse, root: string, pathInfo: string, query: string, remoteUser: string): void {
  const cgi = spawn("git", ["http-backend"], {
    env: {
      ...GIT_ENV,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      // The server checked the token's right to push before it got here.
      REMOTE_USER: remoteUser,
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "http.receivepack",
      GIT_CONFIG_VALUE_0: "true",
      GIT_CONFIG_KEY_1: "safe.directory",
      GIT_CONFIG_VALUE_1: "*",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
    },
    stdio: ["pipe", "pipe", "ignore"],
  });
  req.pipe(cgi.stdin);
  cgi.stdin.on("error", () => undefined);
  // CGI output: headers, a blank line, then the body.
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "status") status = Number(value.split(" ")[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  cgi.on("close", () => {
    if (!headersDone && !res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end();
  });
  res.on("close", () => {
    if (!res.writableFinished) cgi.kill("SIGKILL");
  });
}

/** The full SHA of a commit named by a (possibly abbreviated) SHA, or null. */
export function resolveCommit(bare: string, sha: string): Promise<string | null> {
  if (!/^[0-9a-f]{4,40}$/i.test(sha)) return Promise.resolve(null);
  return gitOut(bare, ["rev-parse", "--verify", "-q", `${sha}^{commit}`]);
}
