// Runs one `git clone` within the clone policy's limits: allowed transports only, no prompts,
// no config but the credential proxy's settings, stopped past its time or size limit. Also reads what
// a checkout holds (branch, tracked files) with the same git environment.
import { execFile, spawn } from "node:child_process";
import { lstat, readdir, realpath } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { CloneFailureReason } from "../../../src/protocol/vm/workspaces";
import { spawnIdsOf } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { cloneFailureOf } from "../core/clone-errors";
import { allowedProtocols, cloneConfigArgs, type CloneSource } from "../core/clone-policy";
import { gitConfigEnv } from "../core/credential-proxy";

export type CloneInput = {
  source: CloneSource;
  branch?: string;
  /** Must not exist yet: git creates it. */
  target: string;
  /** The user's HOME (ssh's known_hosts); none of its git config is read. */
  home: string;
  /** git runs as the user it clones for (null: as the server). */
  ids: AgentIds | null;
  /**
   * The credential proxy's settings (`url.….insteadOf`, and `http.….extraHeader` with a token of
   * this clone), passed in git's environment (never its command line, which every uid may read
   * in /proc); empty: none.
   */
  proxyConfig: Array<[string, string]>;
  allowLocal: boolean;
  /**
   * With local clones, a global git config trusting every repository's owner: git run as the
   * user's own uid refuses a local source another uid owns ("dubious ownership"), and git 2.39
   * takes `safe.directory` from the global or system config only, never from `-c`.
   */
  localClonesConfig?: string | null;
  timeoutMs: number;
  maxBytes: number;
  /** The VM is shutting down: stop the clone (`failed`). */
  signal?: AbortSignal;
};

export type CloneOutcome = { ok: true } | { ok: false; reason: CloneFailureReason; stderrTail: string };

const SIZE_POLL_MS = 500;
const KILL_GRACE_MS = 2_000;

/**
 * git's environment for work in `home` (a workspace, or a folder of the server's): English
 * messages (they are matched), no terminal prompts, no system or user config (an agent's
 * `~/.gitconfig` could rewrite URLs or set `core.sshCommand`), ssh that never asks. The transport
 * list overrides any `protocol.*.allow` setting. git never looks for a repository above `home`:
 * a workspace that is not one (its `.git` removed, or never cloned) inside a folder that is (the
 * local stack's data folder in the relay's own clone) finds none, rather than the outer one.
 */
export function gitEnv(home: string, allowLocal: boolean, throughProxy = false): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    GIT_CEILING_DIRECTORIES: dirname(resolve(home)),
    LC_ALL: "C",
    LANG: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    // The proxy is plain HTTP on loopback: only a rewritten URL leads there (the policy refuses http:// clone URLs but a loopback GitHub stand-in's).
    GIT_ALLOW_PROTOCOL: throughProxy ? `${allowedProtocols(allowLocal)}:http` : allowedProtocols(allowLocal),
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=30",
  };
}

export function cloneArgs(input: Pick<CloneInput, "source" | "branch" | "target" | "allowLocal">): string[] {
  // No credential helper at all: the proxy adds the credential.
  const helper = ["-c", "credential.helper="];
  const branch = input.branch ? ["--branch", input.branch] : [];
  return [...cloneConfigArgs(input.allowLocal), ...helper, "clone", "--no-recurse-submodules", ...branch, "--", input.source.url, input.target];
}

/**
 * Bytes of the regular files under `dir` (0 when it does not exist yet, or is not a directory: a
 * link the agent put in the staging directory's place is never walked as root). Below it, a
 * link is counted as itself, never followed (`lstat`, and the entries' own types).
 */
async function bytesUnder(dir: string, top = true): Promise<number> {
  if (top && !(await lstat(dir).then((s) => s.isDirectory(), () => false))) return 0;
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path, false);
    else total += await lstat(path).then((s) => s.size, () => 0);
  }
  return total;
}

export function runClone(input: CloneInput): Promise<CloneOutcome> {
  return new Promise((resolve) => {
    const child = spawn("git", cloneArgs(input), {
      env: {
        ...gitEnv(input.home, input.allowLocal, input.proxyConfig.length > 0 || input.source.kind === "http"),
        ...(input.allowLocal && input.localClonesConfig ? { GIT_CONFIG_GLOBAL: input.localClonesConfig } : {}),
        ...(input.proxyConfig.length > 0 ? gitConfigEnv(input.proxyConfig) : {}),
      },
      ...spawnIdsOf(input.ids),
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    let stoppedFor: "timeout" | "too_large" | "failed" | null = null;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    const stop = (reason: "timeout" | "too_large" | "failed") => {
      if (stoppedFor) return;
      stoppedFor = reason;
      const signal = (name: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, name);
        } catch {
          // Gone already.
        }
      };
      signal("SIGTERM");
      setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop("timeout"), input.timeoutMs);
    const onAbort = () => stop("failed");
    input.signal?.addEventListener("abort", onAbort, { once: true });
    let measuring = false;
    const poll = setInterval(() => {
      if (measuring) return;
      measuring = true;
      void bytesUnder(input.target).then((bytes) => {
        measuring = false;
        if (bytes > input.maxBytes) stop("too_large");
      });
    }, SIZE_POLL_MS);
    const finish = (outcome: CloneOutcome) => {
      clearTimeout(timer);
      clearInterval(poll);
      input.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    child.on("error", (error) => finish({ ok: false, reason: "failed", stderrTail: `could not run git: ${error.message}` }));
    child.on("close", (code) => {
      if (stoppedFor) return finish({ ok: false, reason: stoppedFor, stderrTail: stderr });
      if (code !== 0) return finish({ ok: false, reason: cloneFailureOf(stderr), stderrTail: stderr });
      // A small repository can be done between two polls: the limit holds for the result too.
      void bytesUnder(input.target).then((bytes) => finish(bytes > input.maxBytes ? { ok: false, reason: "too_large", stderrTail: "" } : { ok: true }));
    });
  });
}

/** Reads a checkout as its user (`safe.directory` for the server's own reads), no config read. */
function git(dir: string, ids: AgentIds | null, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const argv = ["-c", "safe.directory=*", "-C", dir, ...args];
    execFile("git", argv, { env: gitEnv(dir, false), ...spawnIdsOf(ids), maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout });
    });
  });
}

/** What a workspace holds: its checked-out branch (null when detached, or not a repository) and tracked files. */
export async function describeCheckout(dir: string, ids: AgentIds | null): Promise<{ branch: string | null; files: number; origin: string | null }> {
  // Only a repository of its own: rev-parse would also find one in a parent directory.
  const top = await git(dir, ids, ["rev-parse", "--show-toplevel"]);
  const own = top.code === 0 && top.stdout.trim() === (await realpath(dir).catch(() => dir));
  if (!own) return { branch: null, files: 0, origin: null };
  const [branch, files, origin] = await Promise.all([
    git(dir, ids, ["symbolic-ref", "--short", "-q", "HEAD"]),
    git(dir, ids, ["ls-files", "-z"]),
    git(dir, ids, ["remote", "get-url", "origin"]),
  ]);
  return {
    branch: branch.code === 0 ? branch.stdout.trim() || null : null,
    files: files.stdout.split("\0").filter(Boolean).length,
    origin: origin.code === 0 ? origin.stdout.trim() || null : null,
  };
}

/** The remote's default branch as the clone saw it (`origin/HEAD`), or null. */
export async function defaultBranchOf(dir: string, ids: AgentIds | null): Promise<string | null> {
  const head = await git(dir, ids, ["symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD"]);
  return head.code === 0 ? head.stdout.trim().replace(/^origin\//, "") || null : null;
}
