// /handoff new end to end on one machine: the script /h/<code> answers (src/handoff/handoff.ts), run
// with `sh -eu` at the top of a laptop's repository whose path has spaces, under a HOME of its own,
// uploads to a server that hands the upload to handoff/handoff-new.ts: the VM's new workspace holds
// the branch's commits, the uncommitted edit and the untracked file, and the session sits in the
// CLI's folder for the workspace with the laptop's paths as the workspace's.
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handoffNewScript } from "../../src/handoff/handoff-scripts";
import type { HandoffNewRequest } from "../../src/protocol/vm/handoff";
import { handoffNew } from "../src/handoff/handoff-new";
import { projectDirName } from "../src/core/session-paths";
import { git } from "./helpers/git-repo";
import { tempDir } from "./helpers/temp-dir";
import { run } from "./helpers/run-child";

const SESSION_ID = "5d0c1a7e-2b3f-4c8d-9e6a-1f2e3d4c5b6a";
const OLDER_SESSION_ID = "11111111-2222-4333-8444-555555555555";
let server: Server | null = null;
let origin = "";
/** Where the upload of the run under test goes: the VM's workspace to fill. */
let target: { dir: string; home: string } = { dir: "", home: "" };
const uploads: Array<{ fields: Record<string, string>; answer: number }> = [];


beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        if (req.method === "GET" && req.url === "/h/CODE") return res.end(handoffNewScript({ url: `${origin}/h/CODE`, name: "laptop-work" }));
        // The multipart form as the Worker's route reads it.
        const form = await new Request(`${origin}${req.url}`, { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: Buffer.concat(chunks) }).formData();
        const fields: Record<string, string> = {};
        const files: Record<string, Buffer> = {};
        for (const [name, value] of form) {
          if (typeof value === "string") fields[name] = value;
          else files[name] = Buffer.from(await value.arrayBuffer());
        }
        const request: HandoffNewRequest = {
          laptopDir: fields.dir ?? "",
          branch: fields.branch ?? "",
          bundle: files.bundle?.toString("base64") ?? "",
          patch: files.patch?.toString("base64") ?? null,
          session: files.session && fields.id ? { id: fields.id, jsonl: files.session.toString("utf8") } : null,
        };
        const out = await handoffNew({ ...target, ids: null }, request);
        uploads.push({ fields, answer: out.ok ? 200 : 422 });
        if (!out.ok) return res.writeHead(422).end(`handoff: ${out.refusal.message}\n`);
        res.end(`${JSON.stringify(out.done)}\n`);
      })();
    });
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A laptop's repository in a directory with spaces: two commits on `fix-flaky`, an edit and a new file not committed, and two sessions of the CLI's (the newer one its own). */
function laptop(root: string) {
  const dir = join(root, "my projects", "api copy");
  const home = join(root, "laptop home");
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "fix-flaky");
  writeFileSync(join(dir, "a.txt"), "one\n");
  writeFileSync(join(dir, ".gitignore"), "secret.env\n");
  git(dir, "add", "a.txt", ".gitignore");
  git(dir, "commit", "-qm", "first");
  writeFileSync(join(dir, "a.txt"), "one\ntwo\n");
  git(dir, "commit", "-qam", "second");
  writeFileSync(join(dir, "a.txt"), "one\ntwo\nthree (not committed)\n");
  writeFileSync(join(dir, "new file.txt"), "untracked\n");
  writeFileSync(join(dir, "secret.env"), "ignored\n");
  const projects = join(home, ".claude", "projects", projectDirName(dir));
  mkdirSync(projects, { recursive: true });
  const lines = [
    { type: "user", cwd: dir, message: { role: "user", content: "fix the flaky test" } },
    { type: "assistant", cwd: dir, message: { content: [{ type: "text", text: `edited ${dir}/a.txt` }] } },
    { type: "user", cwd: dir, message: { role: "user", content: "and the docs" } },
  ];
  writeFileSync(join(projects, `${OLDER_SESSION_ID}.jsonl`), `${JSON.stringify({ type: "user", cwd: dir, message: { role: "user", content: "old" } })}\n`);
  utimesSync(join(projects, `${OLDER_SESSION_ID}.jsonl`), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  writeFileSync(join(projects, `${SESSION_ID}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return { dir, home };
}

/** An empty workspace of the VM's, and its user's HOME. */
function vmWorkspace(root: string) {
  const dir = join(root, "vm", "users", "k", "workspaces", "w-new");
  const home = join(root, "vm", "users", "k", "home");
  mkdirSync(dir, { recursive: true });
  mkdirSync(home, { recursive: true });
  return { dir, home };
}

const envOf = (home: string, extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, GIT_CONFIG_NOSYSTEM: "1", ...extra });
const script = async () => (await run("curl", ["-sS", `${origin}/h/CODE`])).stdout;

it("fills the new workspace with the branch, the uncommitted changes and the newest session, paths moved, under sh -eu", async () => {
  const root = tempDir("handoff-new-");
  const here = laptop(root);
  target = vmWorkspace(root);
  const statusBefore = git(here.dir, "status", "--porcelain");

  const ran = await run("sh", ["-eu"], { cwd: here.dir, env: envOf(here.home), input: await script() });
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  expect(JSON.parse(ran.stdout)).toEqual({ sessionId: SESSION_ID, turns: 2, branch: "fix-flaky", head: git(here.dir, "rev-parse", "--short=7", "HEAD"), files: 2 });
  expect(uploads.at(-1)?.fields).toEqual({ dir: here.dir, branch: "fix-flaky", id: SESSION_ID });

  const vm = target.dir;
  expect(git(vm, "symbolic-ref", "--short", "HEAD")).toBe("fix-flaky");
  expect(git(vm, "log", "--format=%s")).toBe("second\nfirst");
  expect(git(vm, "rev-parse", "HEAD")).toBe(git(here.dir, "rev-parse", "HEAD"));
  expect(readFileSync(join(vm, "a.txt"), "utf8")).toBe("one\ntwo\nthree (not committed)\n");
  expect(readFileSync(join(vm, "new file.txt"), "utf8")).toBe("untracked\n");
  // An ignored file stays on the laptop; the changes stay uncommitted.
  expect(readdirSync(vm).sort()).toEqual([".git", ".gitignore", "a.txt", "new file.txt"]);
  expect(git(vm, "status", "--porcelain")).toBe(`M a.txt\n?? "new file.txt"`);
  expect(git(vm, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/fix-flaky");

  const session = readFileSync(join(target.home, ".claude", "projects", projectDirName(vm), `${SESSION_ID}.jsonl`), "utf8");
  const lines = session.trim().split("\n").map((l) => JSON.parse(l) as { cwd: string; message: { content: unknown } });
  expect(lines.map((l) => l.cwd)).toEqual([vm, vm, vm]);
  expect(JSON.stringify(lines[1]?.message.content)).toContain(`edited ${vm}/a.txt`);
  expect(session).not.toContain(here.dir);

  // The laptop's repository is as it was: nothing left in .git, nothing changed.
  expect(git(here.dir, "status", "--porcelain")).toBe(statusBefore);
  expect(readdirSync(join(here.dir, ".git"))).not.toContain("relay-new");
});

it("sends the session SESSION=<id> names; one not found is refused before anything is sent", async () => {
  const root = tempDir("handoff-new-");
  const here = laptop(root);
  target = vmWorkspace(root);
  const before = uploads.length;
  const missing = await run("sh", ["-eu"], { cwd: here.dir, env: envOf(here.home, { SESSION: "99999999-2222-4333-8444-555555555555" }), input: await script() });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toBe(`handoff: no session 99999999-2222-4333-8444-555555555555 in ${here.home}/.claude/projects; nothing was sent\n`);
  expect(uploads.length).toBe(before);

  const ran = await run("sh", ["-eu"], { cwd: here.dir, env: envOf(here.home, { SESSION: OLDER_SESSION_ID }), input: await script() });
  expect(ran.status).toBe(0);
  expect(uploads.at(-1)?.fields.id).toBe(OLDER_SESSION_ID);
  expect(readdirSync(join(target.home, ".claude", "projects", projectDirName(target.dir)))).toEqual([`${OLDER_SESSION_ID}.jsonl`]);
});

it("without a session of this directory, says so and sends the repository alone; outside a repository with a commit, sends nothing", async () => {
  const root = tempDir("handoff-new-");
  const here = laptop(root);
  target = vmWorkspace(root);
  const ran = await run("sh", ["-eu"], { cwd: here.dir, env: envOf(join(root, "another home")), input: await script() });
  expect(ran.status).toBe(0);
  expect(ran.stderr).toBe(`handoff: no Claude Code session in ${join(root, "another home")}/.claude/projects/${projectDirName(here.dir)}; sending without one (SESSION=<id> sh names one)\n`);
  expect(JSON.parse(ran.stdout)).toMatchObject({ sessionId: null, turns: 0, branch: "fix-flaky" });
  expect(readFileSync(join(target.dir, "new file.txt"), "utf8")).toBe("untracked\n");

  const empty = join(root, "empty repo");
  mkdirSync(empty);
  git(empty, "init", "-q");
  const before = uploads.length;
  const refused = await run("sh", ["-eu"], { cwd: empty, env: envOf(here.home), input: await script() });
  expect(refused.status).toBe(1);
  expect(refused.stderr).toBe("handoff: run this in a git repository with at least one commit\n");
  expect(uploads.length).toBe(before);
});

it("refuses a workspace that is not empty, and changes nothing in it", async () => {
  const root = tempDir("handoff-new-");
  const here = laptop(root);
  target = vmWorkspace(root);
  writeFileSync(join(target.dir, "mine.txt"), "already here\n");
  const ran = await run("sh", ["-eu"], { cwd: here.dir, env: envOf(here.home), input: await script() });
  expect(ran.status).not.toBe(0);
  expect([ran.stdout, ran.stderr]).toEqual(["", "handoff: This conversation's folder is not empty; nothing was changed.\n"]);
  expect(readdirSync(target.dir)).toEqual(["mine.txt"]);
});
