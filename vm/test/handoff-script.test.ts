// The hand-off's bundle (handoff/handoff.ts) taken by the script /h/<code> answers
// (src/handoff/handoff.ts), run with `sh -eu` in a directory whose path has spaces, under a HOME of
// its own: the branch with its commits, the uncommitted edit and the untracked file, the workspace
// left as it was, and the session where Claude Code looks for it, its paths the laptop's.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { handoffScript, resumeLine } from "../../src/handoff/handoff-scripts";
import { handoffBundle, scratchRepo, worktreeTree, type HandoffTarget } from "../src/handoff/handoff";
import { scratchOf } from "../src/handoff/as-workspace-user";
import { handback, keepLaptop } from "../src/handoff/handback";
import { projectDirName, rewriteSessionPaths } from "../src/core/session-paths";
import { git } from "./helpers/git-repo";
import { tempDir } from "./helpers/temp-dir";
import { run } from "./helpers/run-child";

const SESSION_ID = "0b9e6b8e-3c1f-4d7a-9a51-2f6f2d1c7e01";
let server: Server | null = null;

afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** The tree a hand-off of `t` at `head` gives the laptop (its files with the uncommitted changes), as the laptop's `relay.wip`. */
async function treeHandedOff(t: HandoffTarget, head: string): Promise<string> {
  const scratch = (await scratchOf(t))!;
  try {
    return await worktreeTree((await scratchRepo(t, scratch, join(t.dir, ".git")))!, head);
  } finally {
    await scratch.done();
  }
}

/** A workspace as the VM keeps one: two commits on `fix-flaky`, an edit and a new file not committed, and a session of the CLI's. */
function workspace(root: string) {
  const dir = join(root, "users", "k", "workspaces", "api");
  const home = join(root, "users", "k", "home");
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "fix-flaky");
  writeFileSync(join(dir, "a.txt"), "one\n");
  git(dir, "add", "a.txt");
  git(dir, "commit", "-qm", "first");
  writeFileSync(join(dir, "a.txt"), "one\ntwo\n");
  git(dir, "commit", "-qam", "second");
  writeFileSync(join(dir, "a.txt"), "one\ntwo\nthree (not committed)\n");
  writeFileSync(join(dir, "new file.txt"), "untracked\n");
  const projects = join(home, ".claude", "projects", projectDirName(dir));
  mkdirSync(projects, { recursive: true });
  const lines = [{ type: "user", cwd: dir, message: { role: "user", content: "fix the flaky test" } }, { type: "assistant", cwd: dir, message: { content: [{ type: "text", text: `edited ${dir}/a.txt` }] } }];
  writeFileSync(join(projects, `${SESSION_ID}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return { dir, home };
}

it("leaves the branch, the uncommitted changes and the session in a directory with spaces, under sh -eu", async () => {
  const root = tempDir("handoff-script-");
  const vm = workspace(join(root, "vm"));
  const statusBefore = git(vm.dir, "status", "--porcelain");
  const asked: string[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        asked.push(`${req.method} ${req.url}`);
        if (req.method === "GET" && req.url === "/h/CODE") return res.end(handoffScript({ url: `${origin}/h/CODE`, conversation: "api" }));
        if (req.url === "/h/CODE/done") return res.end("");
        const laptopDir = new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("dir") ?? "";
        const out = await handoffBundle({ dir: vm.dir, home: vm.home, ids: null }, { sessionId: SESSION_ID, laptopDir });
        if (!out.ok) return res.writeHead(422).end(out.refusal.message);
        res.writeHead(200, { "content-type": "application/x-git-bundle" }).end(out.bundle);
      })();
    });
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const laptopHome = join(root, "laptop home");
  const here = join(root, "my projects", "api copy");
  mkdirSync(laptopHome, { recursive: true });
  mkdirSync(here, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: laptopHome, GIT_CONFIG_NOSYSTEM: "1" };
  const script = (await run("curl", ["-sS", `${origin}/h/CODE`])).stdout;
  const ran = await run("sh", ["-eu"], { cwd: here, env, input: script });
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  expect(ran.stdout.trim().split("\n").at(-1)).toBe(resumeLine(SESSION_ID));
  expect(asked).toEqual(["GET /h/CODE", "POST /h/CODE/data", "POST /h/CODE/done"]);

  expect(git(here, "symbolic-ref", "--short", "HEAD")).toBe("fix-flaky");
  expect(git(here, "log", "--format=%s")).toBe("second\nfirst");
  expect(git(here, "rev-parse", "HEAD")).toBe(git(vm.dir, "rev-parse", "HEAD"));
  expect(readFileSync(join(here, "a.txt"), "utf8")).toBe("one\ntwo\nthree (not committed)\n");
  expect(readFileSync(join(here, "new file.txt"), "utf8")).toBe("untracked\n");
  expect(git(here, "status", "--porcelain")).toBe(`M a.txt\n?? "new file.txt"`);
  expect(existsSync(join(here, ".git", "relay-handoff.bundle"))).toBe(false);
  expect(git(here, "for-each-ref", "refs/handoff")).toBe("");

  const session = readFileSync(join(laptopHome, ".claude", "projects", projectDirName(here), `${SESSION_ID}.jsonl`), "utf8");
  const lines = session.trim().split("\n").map((l) => JSON.parse(l) as { cwd: string; message: { content: unknown } });
  expect(lines.map((l) => l.cwd)).toEqual([here, here]);
  expect(JSON.stringify(lines[1]?.message.content)).toContain(`edited ${here}/a.txt`);
  expect(session).not.toContain(vm.dir);

  // The workspace is as it was: nothing written into it, not even a ref.
  expect(git(vm.dir, "status", "--porcelain")).toBe(statusBefore);
  expect(git(vm.dir, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/fix-flaky");
});

it("takes the laptop's commit, edit and session back; a workspace changed meanwhile is a conflict and nothing is overwritten", async () => {
  const root = tempDir("handback-");
  const vm = workspace(join(root, "vm"));
  const laptopDir = join(root, "laptop dir");
  const out = await handoffBundle({ dir: vm.dir, home: vm.home, ids: null }, { sessionId: SESSION_ID, laptopDir });
  expect(out.ok).toBe(true);
  const base = git(vm.dir, "rev-parse", "HEAD");
  // The tree handed off: the workspace's files with its uncommitted edit and its new file.
  const wipTree = await treeHandedOff({ dir: vm.dir, home: vm.home, ids: null }, base);

  // On the laptop: one commit on top, an edit left, and the session with one more prompt.
  git(root, "clone", "-q", "-b", "fix-flaky", vm.dir, laptopDir);
  writeFileSync(join(laptopDir, "a.txt"), "one\ntwo\nthree\n");
  git(laptopDir, "commit", "-qam", "laptop commit");
  writeFileSync(join(laptopDir, "a.txt"), "one\ntwo\nthree\nfour (laptop)\n");
  const bundleFile = join(root, "back.bundle");
  git(laptopDir, "bundle", "create", "-q", bundleFile, "fix-flaky", `^${base}`);
  const patch = git(laptopDir, "diff", "--binary", "HEAD") + "\n";
  const session = [readFileSync(join(vm.home, ".claude", "projects", projectDirName(vm.dir), `${SESSION_ID}.jsonl`), "utf8").trim(), JSON.stringify({ type: "user", cwd: laptopDir, message: { role: "user", content: `look at ${laptopDir}/a.txt` } })].join("\n");
  const request = { laptopDir, branch: "fix-flaky", base, wipTree, bundle: readFileSync(bundleFile).toString("base64"), patch: Buffer.from(patch).toString("base64"), session: { id: SESSION_ID, jsonl: rewriteSessionPaths(session, vm.dir, laptopDir) } };

  // A run on the VM meanwhile changed a file: nothing is taken, nothing overwritten.
  const sessionFile = join(vm.home, ".claude", "projects", projectDirName(vm.dir), `${SESSION_ID}.jsonl`);
  const sessionBefore = readFileSync(sessionFile, "utf8");
  writeFileSync(join(vm.dir, "phone.txt"), "made on the phone\n");
  const conflict = await handback({ dir: vm.dir, home: vm.home, ids: null }, request, new Date("2026-11-26T14:02:05Z"));
  expect(conflict).toMatchObject({ ok: false, refusal: { reason: "conflict", staged: { stamp: "20261126-140205", branch: "handoff/laptop-20261126-140205", savedSession: "~/.claude/handoff/laptop-20261126-140205.jsonl" } } });
  // The laptop's work is kept beside the workspace: its commit, then its uncommitted edit as a commit.
  expect(git(vm.dir, "log", "--format=%s", "handoff/laptop-20261126-140205")).toBe("uncommitted changes on the laptop (hand-back)\nlaptop commit\nsecond\nfirst");
  expect(git(vm.dir, "show", "handoff/laptop-20261126-140205:a.txt")).toBe("one\ntwo\nthree\nfour (laptop)");
  expect(readFileSync(join(vm.home, ".claude", "handoff", "laptop-20261126-140205.jsonl"), "utf8")).toContain(`look at ${vm.dir}/a.txt`);
  git(vm.dir, "branch", "-D", "handoff/laptop-20261126-140205");
  expect(git(vm.dir, "rev-parse", "HEAD")).toBe(base);
  expect(readFileSync(join(vm.dir, "phone.txt"), "utf8")).toBe("made on the phone\n");
  expect(readFileSync(join(vm.dir, "a.txt"), "utf8")).toBe("one\ntwo\nthree (not committed)\n");
  expect(readFileSync(sessionFile, "utf8")).toBe(sessionBefore);

  // As it was handed off: the laptop's work comes back whole.
  rmSync(join(vm.dir, "phone.txt"));
  const back = await handback({ dir: vm.dir, home: vm.home, ids: null }, request);
  expect(back).toEqual({ ok: true, done: { sessionId: SESSION_ID, turns: 1, branch: "fix-flaky", head: git(laptopDir, "rev-parse", "--short=7", "HEAD"), files: 2 } });
  expect(git(vm.dir, "log", "--format=%s")).toBe("laptop commit\nsecond\nfirst");
  expect(readFileSync(join(vm.dir, "a.txt"), "utf8")).toBe("one\ntwo\nthree\nfour (laptop)\n");
  // The laptop's files are the truth: a file it does not have (this one it was never given) is gone.
  expect(existsSync(join(vm.dir, "new file.txt"))).toBe(false);
  const taken = readFileSync(sessionFile, "utf8");
  expect(taken).toContain(`look at ${vm.dir}/a.txt`);
  expect(taken).not.toContain(laptopDir);
});

it("a conflict keeps both sides: “Keep phone” leaves the workspace and the laptop's branch; “Keep laptop” moves to the laptop's and keeps the phone's", async () => {
  const root = tempDir("handback-keep-");
  const vm = workspace(join(root, "vm"));
  const t = { dir: vm.dir, home: vm.home, ids: null };
  const laptopDir = join(root, "laptop dir");
  const base = git(vm.dir, "rev-parse", "HEAD");
  const wipTree = await treeHandedOff(t, base);
  git(root, "clone", "-q", "-b", "fix-flaky", vm.dir, laptopDir);
  writeFileSync(join(laptopDir, "a.txt"), "laptop committed\n");
  git(laptopDir, "commit", "-qam", "laptop commit");
  writeFileSync(join(laptopDir, "laptop.txt"), "laptop, not committed\n");
  git(laptopDir, "add", "-N", "laptop.txt");
  const bundleFile = join(root, "back.bundle");
  git(laptopDir, "bundle", "create", "-q", bundleFile, "fix-flaky", `^${base}`);
  const patch = git(laptopDir, "diff", "--binary", "HEAD") + "\n";
  const sessionFile = join(vm.home, ".claude", "projects", projectDirName(vm.dir), `${SESSION_ID}.jsonl`);
  const phoneSession = readFileSync(sessionFile, "utf8");
  const laptopSession = `${phoneSession}${JSON.stringify({ type: "user", cwd: laptopDir, message: { role: "user", content: "laptop turn" } })}\n`;
  const request = { laptopDir, branch: "fix-flaky", base, wipTree, bundle: readFileSync(bundleFile).toString("base64"), patch: Buffer.from(patch).toString("base64"), session: { id: SESSION_ID, jsonl: laptopSession } };

  // The phone's side meanwhile: a commit and an uncommitted file.
  writeFileSync(join(vm.dir, "phone.txt"), "phone committed\n");
  git(vm.dir, "add", "phone.txt");
  git(vm.dir, "commit", "-qm", "phone commit");
  writeFileSync(join(vm.dir, "phone wip.txt"), "phone, not committed\n");
  const phoneHead = git(vm.dir, "rev-parse", "HEAD");
  const conflict = await handback(t, request, new Date("2026-11-26T14:02:05Z"));
  if (conflict.ok || !conflict.refusal.staged) throw new Error(`no staged conflict: ${JSON.stringify(conflict)}`);
  const staged = conflict.refusal.staged;
  // “Keep phone”: nothing more to do; the workspace is as it was, the laptop's work on its branch.
  expect(git(vm.dir, "rev-parse", "HEAD")).toBe(phoneHead);
  expect(readFileSync(join(vm.dir, "phone wip.txt"), "utf8")).toBe("phone, not committed\n");
  expect(readFileSync(sessionFile, "utf8")).toBe(phoneSession);
  expect(git(vm.dir, "show", `${staged.branch}:laptop.txt`)).toBe("laptop, not committed");
  expect(git(vm.dir, "show", `${staged.branch}~1:a.txt`)).toBe("laptop committed");

  // “Keep laptop”: the workspace is the laptop's, its edit uncommitted; the phone's work on its own branch.
  const kept = await keepLaptop(t, { staged, phoneSessionId: SESSION_ID });
  expect(kept).toEqual({ ok: true, kept: { done: { sessionId: SESSION_ID, turns: 1, branch: "fix-flaky", head: staged.head.slice(0, 7), files: expect.any(Number) }, kept: { branch: "handoff/phone-20261126-140205", savedSession: "~/.claude/handoff/phone-20261126-140205.jsonl" } } });
  expect(git(vm.dir, "rev-parse", "HEAD")).toBe(staged.head);
  expect(readFileSync(join(vm.dir, "a.txt"), "utf8")).toBe("laptop committed\n");
  expect(readFileSync(join(vm.dir, "laptop.txt"), "utf8")).toBe("laptop, not committed\n");
  expect(git(vm.dir, "status", "--porcelain")).toBe("?? laptop.txt");
  expect(existsSync(join(vm.dir, "phone.txt"))).toBe(false);
  expect(git(vm.dir, "log", "--format=%s", "handoff/phone-20261126-140205")).toBe("uncommitted changes on the phone (hand-back conflict)\nphone commit\nsecond\nfirst");
  expect(git(vm.dir, "show", "handoff/phone-20261126-140205:phone wip.txt")).toBe("phone, not committed");
  expect(git(vm.dir, "show", "handoff/phone-20261126-140205:new file.txt")).toBe("untracked");
  expect(readFileSync(join(vm.home, ".claude", "handoff", "phone-20261126-140205.jsonl"), "utf8")).toBe(phoneSession);
  const resumed = readFileSync(sessionFile, "utf8");
  expect(resumed).toContain("laptop turn");
  expect(resumed).not.toContain(laptopDir);
  // A branch not as it was kept is not taken.
  expect(await keepLaptop(t, { staged: { ...staged, head: phoneHead, wip: null }, phoneSessionId: null })).toMatchObject({ ok: false, refusal: { reason: "failed" } });
});
