// The laptop's script trusts nothing in the bundle: a bundle whose session commit carries hostile
// values (`;`, `$()`, backticks, `../`, newlines, very long names) runs nothing, and writes nothing
// outside the folder and the session's own folder under ~/.claude/projects; the line it prints, run
// as pasted, starts claude with the id alone. And an agent process that moves the scratch
// repository's refs while the VM builds the bundle changes nothing the laptop gets.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handoffScript } from "../../src/handoff/handoff-scripts";
import { bundleOf, handoffBundle } from "../src/handoff/handoff";
import { projectDirName } from "../src/core/session-paths";
import { git } from "./helpers/git-repo";
import { run } from "./helpers/run-child";
import { tempDir } from "./helpers/temp-dir";

const ID = "0b9e6b8e-3c1f-4d7a-9a51-2f6f2d1c7e01";
const root = tempDir("handoff-hostile-");
/** Where a command that must never run would leave its mark. */
const PWNED = join(root, "PWNED");
let server: Server | null = null;
/** The bundle the next /data answers, and what the script reported. */
let next: Uint8Array = new Uint8Array();
const reports: string[] = [];
let origin = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET") return res.end(handoffScript({ url: `${origin}/h/X`, conversation: "main" }));
      if (req.url === "/h/X/data") return res.writeHead(200).end(next);
      reports.push(`${req.url} ${new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("why") ?? ""}`);
      res.end("");
    });
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Every path under `dir`, relative to `root`. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => relative(root, join(dir, p))).sort();
}

/** A `claude` that only records how it was started (the laptop's own is not what is tested here). */
const fakeBin = join(root, "bin");
mkdirSync(fakeBin);
writeFileSync(join(fakeBin, "claude"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(root, "claude-args")}"\n`);
chmodSync(join(fakeBin, "claude"), 0o755);
const laptopEnv = (home: string) => ({ PATH: `${fakeBin}:/usr/local/bin:/usr/bin:/bin`, HOME: home, GIT_CONFIG_NOSYSTEM: "1" });

/** A bundle as the VM makes one (a commit on `main`, the wip, the session commit), with `meta` as the session commit's files. */
function hostileBundle(meta: Record<string, string>): Uint8Array {
  const repo = tempDir("hostile-repo-");
  git(repo, "init", "-q", "-b", "main");
  writeFileSync(join(repo, "a.txt"), "one\n");
  git(repo, "add", "a.txt");
  git(repo, "commit", "-qm", "first");
  const head = git(repo, "rev-parse", "HEAD");
  const entries = Object.entries(meta).map(([name, text]) => {
    const file = join(repo, ".git", "meta-blob");
    writeFileSync(file, text);
    return `100644 blob ${git(repo, "hash-object", "-w", file)}\t${name}`;
  });
  const tree = execGit(repo, ["mktree"], `${entries.join("\n")}\n`).trim();
  const commit = execGit(repo, ["commit-tree", tree, "-m", "meta"]).trim();
  const pack = execGitBytes(repo, ["pack-objects", "--revs", "--stdout", "-q"], `${head}\n${commit}\n`);
  return bundleOf("sha1", [["refs/heads/main", head], ["refs/handoff/wip", head], ["refs/handoff/session", commit]], pack);
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };
const execGit = (cwd: string, args: string[], input = "") => execFileSync("git", args, { cwd, input, env: gitEnv, encoding: "utf8" });
const execGitBytes = (cwd: string, args: string[], input: string) => new Uint8Array(execFileSync("git", args, { cwd, input, env: gitEnv }));

const LONG = "a".repeat(5000);
const TOUCH = `touch ${PWNED}`;
const good = { branch: "main\n", kind: "repo\n", id: `${ID}\n`, project: "-laptop-here\n", "session.jsonl": "{}\n" };

describe("a bundle with hostile values", () => {
  it.each([
    ["an id with ;", { id: `x; ${TOUCH}` }, "session id"],
    ["an id with $()", { id: `$(${TOUCH})` }, "session id"],
    ["an id with backticks", { id: `\`${TOUCH}\`` }, "session id"],
    ["an id, a newline, a command", { id: `${ID}\n${TOUCH}` }, "session id"],
    ["a very long id", { id: LONG }, "session id"],
    ["a project with ../", { project: "../../../../escape" }, "project folder"],
    ["a project with $()", { project: `$(${TOUCH})` }, "project folder"],
    ["a project with a newline", { project: "-a\n-b" }, "project folder"],
    ["a very long project", { project: LONG }, "project folder"],
    ["a branch with ../", { branch: "../../escape" }, "branch"],
    ["a branch that is an option", { branch: "-fmain" }, "branch"],
    ["a branch with a newline", { branch: `main\n${TOUCH}` }, "branch"],
    ["a branch with @{", { branch: "@{-1}" }, "branch"],
    ["a very long branch", { branch: LONG }, "branch"],
    ["a branch the bundle lacks", { branch: "other" }, "branch"],
    ["a kind with ;", { kind: `files; ${TOUCH}` }, "kind"],
  ])("%s: stops, says which, runs nothing, leaves the folder empty", async (_what, values, named) => {
    const case_ = tempDir("hostile-case-");
    const here = join(case_, "here");
    const home = join(case_, "home");
    mkdirSync(here);
    mkdirSync(home);
    next = hostileBundle({ ...good, ...values });
    reports.length = 0;
    const ran = await run("sh", ["-euc", `curl -sS ${origin}/h/X | sh`], { cwd: here, env: laptopEnv(home) });
    expect(ran.status).toBe(1);
    expect(ran.stderr).toMatch(new RegExp(`^handoff: the hand-off's ${named} is not .*; nothing was changed \\(send /handoff for a new line\\)\\n$`));
    expect(existsSync(PWNED)).toBe(false);
    expect(readdirSync(here)).toEqual([]);
    expect(tree(home)).toEqual([]);
    expect(reports).toEqual([`/h/X/failed ${ran.stderr.slice("handoff: ".length).trim()}`]);
  });

  it("a branch name that is all shell: taken as a name, printed quoted, and the printed line runs claude with the id alone", async () => {
    const branch = "evil;$(touch_PWNED)`touch_PWNED`'q";
    const case_ = tempDir("hostile-ok-");
    const here = join(case_, "here");
    const home = join(case_, "home");
    mkdirSync(here);
    mkdirSync(home);
    const bundle = hostileBundle({ ...good, branch, project: `${projectDirName(here)}\n` });
    // The header's ref is the branch's too: the bundle names it as the VM would.
    next = rewriteRef(bundle, "refs/heads/main", `refs/heads/${branch}`);
    reports.length = 0;
    const ran = await run("sh", ["-euc", `curl -sS ${origin}/h/X | sh`], { cwd: here, env: laptopEnv(home) });
    expect([ran.status, ran.stderr]).toEqual([0, ""]);
    expect(ran.stdout).toContain(`Here: branch 'evil;$(touch_PWNED)\`touch_PWNED\`'\\''q' at `);
    expect(git(here, "symbolic-ref", "--short", "HEAD")).toBe(branch);
    expect(readFileSync(join(home, ".claude", "projects", projectDirName(here), `${ID}.jsonl`), "utf8")).toBe("{}\n");
    const line = ran.stdout.trim().split("\n").at(-1)!;
    const pasted = await run("sh", ["-c", line], { cwd: here, env: laptopEnv(home) });
    expect(pasted.status).toBe(0);
    expect(readFileSync(join(root, "claude-args"), "utf8").trim().split("\n").slice(-2)).toEqual(["--resume", ID]);
    expect(existsSync(PWNED)).toBe(false);
    expect(existsSync(join(here, "touch_PWNED"))).toBe(false);
    expect(reports).toEqual(["/h/X/done "]);
  });

  it("no claude on this laptop: says how to install it before anything is written", async () => {
    const here = join(tempDir("hostile-noclaude-"), "here");
    mkdirSync(here);
    next = hostileBundle(good);
    reports.length = 0;
    const ran = await run("sh", ["-euc", `curl -sS ${origin}/h/X | sh`], { cwd: here, env: { ...laptopEnv(root), PATH: "/usr/bin:/bin" } });
    expect(ran.status).toBe(1);
    expect(ran.stderr).toMatch(/^handoff: claude \(Claude Code\) is not installed on this laptop; nothing was changed\. Install it \(npm install -g @anthropic-ai\/claude-code/);
    expect(readdirSync(here)).toEqual([]);
    expect(reports).toEqual([]);
  });
});

/** `bundle` with its header's `from` ref named `to`. */
function rewriteRef(bundle: Uint8Array, from: string, to: string): Uint8Array {
  const text = Buffer.from(bundle);
  const end = text.indexOf("\n\n") + 2;
  const header = text.subarray(0, end).toString("utf8").replace(` ${from}\n`, ` ${to}\n`);
  return new Uint8Array(Buffer.concat([Buffer.from(header, "utf8"), text.subarray(end)]));
}

it("a loop of the agent's uid moving refs/handoff/session while bundles are built: every laptop gets the VM's session", async () => {
  const vm = join(root, "vm");
  const dir = join(vm, "workspaces", "api");
  const home = join(vm, "home");
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  writeFileSync(join(dir, "a.txt"), "one\n");
  git(dir, "add", "a.txt");
  git(dir, "commit", "-qm", "first");
  const projects = join(home, ".claude", "projects", projectDirName(dir));
  mkdirSync(projects, { recursive: true });
  writeFileSync(join(projects, `${ID}.jsonl`), `${JSON.stringify({ type: "user", cwd: dir, message: { role: "user", content: "hi" } })}\n`);
  const scratch = join(home, ".relay-handoff", "api", "handoff.git");
  const moved = join(root, "moved");
  // As an agent process would: as soon as the scratch repository exists, a session commit of its own
  // there, and the ref rewritten to it for as long as the repository stands.
  const loop = `g=$1
while :; do
  [ -d "$g/objects" ] || continue
  b=$(printf 'evil\\n' | git --git-dir="$g" hash-object -w --stdin 2>/dev/null) || continue
  t=$(printf '100644 blob %s\\tid\\n' "$b" | git --git-dir="$g" mktree 2>/dev/null) || continue
  c=$(git --git-dir="$g" commit-tree "$t" -m evil 2>/dev/null) || continue
  while [ -d "$g/objects" ]; do
    mkdir -p "$g/refs/handoff" 2>/dev/null && printf '%s\\n' "$c" >"$g/refs/handoff/session" 2>/dev/null && echo >>"$2"
  done
done`;
  const mover = spawn("sh", ["-c", loop, "sh", scratch, moved], { env: gitEnv, stdio: "ignore", detached: true });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const out = await handoffBundle({ dir, home, ids: null }, { sessionId: ID, laptopDir: "/laptop/api" });
      if (!out.ok) throw new Error(out.refusal.message);
      const laptop = tempDir("hostile-laptop-");
      git(laptop, "init", "-q", "--bare");
      writeFileSync(join(laptop, "b.bundle"), out.bundle);
      git(laptop, "fetch", "-q", join(laptop, "b.bundle"), "+refs/handoff/*:refs/handoff/*");
      ids.push(git(laptop, "cat-file", "blob", "refs/handoff/session:id"));
    }
    expect(ids).toEqual(Array(10).fill(ID));
    // The loop did move the ref while the bundles were built: the check above could see it.
    expect(readFileSync(moved, "utf8").length).toBeGreaterThan(10);
  } finally {
    if (mover.pid) process.kill(-mover.pid, "SIGKILL");
  }
});
