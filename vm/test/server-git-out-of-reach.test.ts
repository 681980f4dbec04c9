// The server's own git work keeps its proxy tokens out of every agent's reach: a process of the
// user's own agent uid watches /proc (the environ and cmdline of every process it can see, over and
// over) through a whole clone through the credential proxy and a whole /ship push, and finds no
// token in any of them, though it saw both git processes run. Only where agents have uids of their
// own (root); with one uid for all, agents could read the server's /proc anyway, as the README says.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { ShipDoneSchema } from "../../src/protocol/vm/ship";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { place } from "../src/cli/cli-install";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, startHarness, type Harness } from "./helpers/harness";
import { closedTempDir } from "./helpers/temp-dir";

const GITHUB_TOKEN = "ghp_serverGitOutOfReach0123456789";
const userId = "+15550004401";

/** Scans /proc until its stdin ends, then prints what it found: any `Bearer <token>` or the GitHub token, and the git processes it saw. */
const WATCHER = String.raw`
const fs = require("node:fs");
const self = String(process.pid);
const secret = process.env.WATCH_FOR;
const found = [];
const seen = { clone: 0, push: 0, environs: 0 };
let scans = 0;
function scan() {
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || pid === self) continue;
    let cmd = "";
    let env = "";
    try { cmd = fs.readFileSync("/proc/" + pid + "/cmdline", "latin1"); } catch {}
    try { env = fs.readFileSync("/proc/" + pid + "/environ", "latin1"); seen.environs++; } catch {}
    if (/\0clone\0/.test(cmd)) seen.clone++;
    if (/\0push\0/.test(cmd)) seen.push++;
    for (const [where, text] of [["cmdline", cmd], ["environ", env]]) {
      if (/Bearer [A-Za-z0-9_-]{16,}/.test(text) || text.includes(secret)) found.push({ pid, where, cmd: cmd.split("\0").slice(0, 4).join(" ") });
    }
  }
  scans++;
}
scan();
process.stdout.write("ready\n");
let done = false;
process.stdin.on("end", () => { done = true; });
process.stdin.resume();
(function loop() {
  if (done) return process.stdout.write(JSON.stringify({ count: found.length, found: found.slice(0, 10), seen, scans }) + "\n");
  scan();
  setImmediate(loop);
})();
`;

type Watched = { count: number; found: Array<{ pid: string; where: string; cmd: string }>; seen: { clone: number; push: number; environs: number }; scans: number };

/**
 * The watcher, started as `uid`; resolves once its first scan is done. Its Node is placed beside
 * the script: this one may sit where the agent's uid cannot reach it (a checkout in a 0700 home,
 * npm's `node` package under it), as the VM places its own for agents (cli-install.ts).
 */
async function watchAs(uid: number): Promise<{ stop(): Promise<Watched>; child: ChildProcess }> {
  const dir = closedTempDir("proc-watch-");
  chmodSync(dir, 0o755);
  const script = join(dir, "watch.cjs");
  writeFileSync(script, WATCHER, { mode: 0o644 });
  const node = join(dir, "node");
  place(process.execPath, node);
  const child = spawn(node, [script], { uid, gid: uid, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", WATCH_FOR: GITHUB_TOKEN }, stdio: ["pipe", "pipe", "inherit"], cwd: "/" });
  const lines = createInterface({ input: child.stdout! });
  // A watcher that could not start ("error", no "exit") fails the test with its cause, at once.
  const next = () => new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("error", (error) => reject(new Error(`the watcher could not start as uid ${uid}: ${error.message}`)));
    child.once("exit", (code, signal) => reject(new Error(`the watcher ended (${signal ?? `code ${code}`})`)));
  });
  expect(await next()).toBe("ready");
  return {
    child,
    async stop() {
      const summary = next();
      child.stdin!.end();
      return JSON.parse(await summary) as Watched;
    },
  };
}

describe.skipIf(!IS_ROOT)("the server's own git work, watched from the agent's uid (root only)", () => {
  let github: RunningGithubEmulator;
  let h: Harness;
  let watcher: Awaited<ReturnType<typeof watchAs>> | null = null;
  beforeAll(async () => {
    // Enough files that the clone takes a while: the watcher scans many times meanwhile.
    const files = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`src/file-${i}.txt`, `line ${i}\n`.repeat(20)]));
    github = await startGithubEmulator({ accounts: [{ login: "operator", token: GITHUB_TOKEN }], repos: [{ owner: "operator", name: "app", files: { "README.md": "app\n", ...files } }] });
    h = await startHarness({ githubToken: GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl });
  });
  afterAll(async () => {
    watcher?.child.kill("SIGKILL");
    await h?.close();
    await github?.close();
  });

  it("finds no token in any process it can see, through a whole clone and a whole push", async () => {
    // The user's uid is given at its first workspace.
    expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "probe" })).status).toBe(201);
    const uid = Object.values((JSON.parse(readFileSync(join(h.dataDir, ".agent-ids.json"), "utf8")) as { users: Record<string, number> }).users)[0]!;
    watcher = await watchAs(uid);

    expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "api", clone: { url: `${github.url}/operator/app.git` } })).status).toBe(201);
    // The agent's change, written as its uid.
    const dir = join(userPathsOf(h.dataDir, userId).root, "workspaces", "api");
    await new Promise((resolve) => spawn("sh", ["-c", "echo shipped > shipped.txt"], { cwd: dir, uid, gid: uid, stdio: "ignore" }).on("close", resolve));
    const shipped = await h.call("POST", VM_ROUTES.workspaceShip("api", userId), { runs: [{ asked: "ship it" }] });
    expect(shipped.status).toBe(200);
    expect(ShipDoneSchema.parse(await shipped.json())).toMatchObject({ branch: "agent/api", how: "created" });

    const watched = await watcher.stop();
    watcher = null;
    // It watched: both git processes came and went while it scanned, and it could read environments (its own uid's).
    expect(watched.seen.clone).toBeGreaterThan(0);
    expect(watched.seen.push).toBeGreaterThan(0);
    expect(watched.seen.environs).toBeGreaterThan(0);
    expect(watched.found, JSON.stringify(watched.found)).toEqual([]);
    expect(watched.count).toBe(0);
    // The checkout is the user's, and nothing of the server's git work is left behind.
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("app\n");
    expect(statSync(join(dir, "README.md")).uid).toBe(uid);
    expect(readdirSync(join(h.dataDir, ".server-git"))).toEqual([]);
  });
});
