// The hand-off's three routes (out, back, new) on a VM started as the image starts it: root with
// the entrypoint's bounding set, so without CAP_DAC_OVERRIDE (docker-entrypoint.sh). Before each,
// the agent's uid plants links and FIFOs where the hand-off keeps its scratch (the folder, its
// parent, the files in it): each route still answers, nothing outside the user's folders is
// touched, and no scratch is left behind. A workspace that is not a repository goes as its files.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentIdTableSchema } from "../src/core/agent-ids";
import { tablePathOf } from "../src/users/agent-users";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { git } from "./helpers/git-repo";
import { IS_ROOT, TOKEN } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { ID_SWITCH_GUARD_FLAG, spawnVm, startScriptArgs, type VmChild } from "./helpers/vm-child";

const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;
/** docker-entrypoint.sh's bounding set where CAP_DAC_READ_SEARCH is granted (Fly). */
const IMAGE_CAPS = "-all,+chown,+dac_read_search,+fowner,+setuid,+setgid,+kill";
const USER = "+15550006001";

describe.skipIf(!IS_ROOT || !hasSetpriv)("the hand-off under the image's capabilities (skipped when not root or without setpriv)", () => {
  let vm: VmChild | null = null;
  let dataDir = "";
  /** A root-owned folder and file the agent's uid may not write: what a planted link aims at. */
  let victim = "";
  beforeAll(async () => {
    dataDir = tempDir("vm-handoff-caps-");
    victim = tempDir("vm-handoff-victim-");
    writeFileSync(join(victim, "root-only"), "root's\n", { mode: 0o644 });
    vm = await spawnVm({ DATA_DIR: dataDir, ANTHROPIC_API_KEY: "sk-offline-test", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" }, [`--bounding-set=${IMAGE_CAPS}`, "--", process.execPath, ID_SWITCH_GUARD_FLAG, ...startScriptArgs()], "setpriv");
  }, 60_000);
  afterAll(async () => {
    vm?.child.kill("SIGTERM");
    await vm?.exited;
  });

  const call = (path: string, body: unknown) => fetch(`${vm!.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const q = `?userId=${encodeURIComponent(USER)}`;

  /** A workspace made by the VM, and the agent's uid that owns it. */
  async function workspace(id: string) {
    expect((await call("/v1/workspaces", { userId: USER, workspace: id })).status).toBeLessThan(300);
    const paths = userPathsOf(dataDir, USER);
    const uid = AgentIdTableSchema.parse(JSON.parse(readFileSync(tablePathOf(dataDir), "utf8"))).users[paths.key];
    if (!uid) throw new Error("no uid for the user");
    const dir = workspaceDirOf(paths, id);
    const asAgent = (script: string) => {
      const done = spawnSync("sh", ["-c", script], { cwd: dir, uid, gid: uid, env: { PATH: process.env.PATH ?? "", HOME: paths.home, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "a", GIT_AUTHOR_EMAIL: "a@b", GIT_COMMITTER_NAME: "a", GIT_COMMITTER_EMAIL: "a@b" }, encoding: "utf8" });
      if (done.status !== 0) throw new Error(`as the agent: ${script}: ${done.stderr}`);
    };
    /** The agent's plants at every scratch path: the parent and the folder as links, or a FIFO, and links and FIFOs at the names inside. */
    const plant = (how: "links" | "fifos") => {
      const scratch = `${paths.home}/.relay-handoff/${id}`;
      if (how === "links") asAgent(`rm -rf "${paths.home}/.relay-handoff" && ln -s "${victim}" "${paths.home}/.relay-handoff"`);
      else asAgent(`rm -rf "${paths.home}/.relay-handoff" && mkdir -p "${scratch}" && for f in handoff.git index back.bundle new.bundle back.patch new.patch handoff.bundle laptop-index phone-index; do mkfifo "${scratch}/$f"; done`);
    };
    return { dir, home: paths.home, asAgent, plant };
  }

  /** The victim as it was: its one file, root's, unchanged, and nothing added. */
  const victimUntouched = () => {
    expect(readdirSync(victim)).toEqual(["root-only"]);
    expect(readFileSync(join(victim, "root-only"), "utf8")).toBe("root's\n");
    expect(statSync(join(victim, "root-only")).uid).toBe(0);
  };

  /** The laptop's side of a hand-off: the bundle fetched into a repository, and what /handoff back sends. */
  function laptopOf(bundle: Uint8Array, root: string) {
    const laptop = join(root, "laptop");
    mkdirSync(laptop, { recursive: true });
    writeFileSync(join(root, "out.bundle"), bundle);
    git(laptop, "init", "-q");
    git(laptop, "fetch", "-q", join(root, "out.bundle"), "+refs/heads/*:refs/remotes/relay/*", "+refs/handoff/*:refs/handoff/*");
    const branch = git(laptop, "show", "refs/handoff/session:branch");
    git(laptop, "checkout", "-q", "-B", branch, `refs/remotes/relay/${branch}`);
    return { laptop, branch, kind: git(laptop, "show", "refs/handoff/session:kind"), base: git(laptop, "rev-parse", "HEAD"), wipTree: git(laptop, "rev-parse", "refs/handoff/wip^{tree}") };
  }

  it("hands a repository out and back, and a laptop's into a new one, with links and FIFOs planted at the scratch", async () => {
    const ws = await workspace("api");
    ws.asAgent("git init -q -b fix && echo one > a.txt && git add a.txt && git commit -qm first && echo two >> a.txt");

    ws.plant("links");
    const out = await call(`/v1/workspaces/api/handoff${q}`, { sessionId: null, laptopDir: "/home/me/api" });
    expect(out.status, await out.clone().text()).toBe(200);
    victimUntouched();
    const root = tempDir("vm-handoff-caps-laptop-");
    const l = laptopOf(new Uint8Array(await out.arrayBuffer()), root);
    expect(l).toMatchObject({ branch: "fix", kind: "repo" });

    writeFileSync(join(l.laptop, "a.txt"), "one\nlaptop\n");
    git(l.laptop, "-c", "user.name=l", "-c", "user.email=l@l", "commit", "-qam", "laptop");
    git(l.laptop, "bundle", "create", "-q", join(root, "back.bundle"), "fix", `^${l.base}`);
    writeFileSync(join(l.laptop, "b.txt"), "new on the laptop\n");
    git(l.laptop, "add", "-N", "b.txt");
    const patch = Buffer.from(`${git(l.laptop, "diff", "--binary", "HEAD")}\n`).toString("base64");
    ws.plant("fifos");
    const back = await call(`/v1/workspaces/api/handback${q}`, { laptopDir: "/home/me/api", branch: "fix", base: l.base, wipTree: l.wipTree, bundle: readFileSync(join(root, "back.bundle")).toString("base64"), patch, session: null });
    expect(back.status, await back.clone().text()).toBe(200);
    // A change like a run's: checkpoints before and after it, its files named, and /undo takes it back.
    expect(await back.json()).toMatchObject({ branch: "fix", files: 2, changeId: expect.stringMatching(/^handback-/), change: { files: [{ path: "a.txt", status: "modified" }, { path: "b.txt", status: "added" }] } });
    expect(readFileSync(join(ws.dir, "a.txt"), "utf8")).toBe("one\nlaptop\n");
    expect(readFileSync(join(ws.dir, "b.txt"), "utf8")).toBe("new on the laptop\n");
    victimUntouched();
    const undone = await call(`/v1/workspaces/api/undo${q}`, {});
    expect(undone.status, await undone.clone().text()).toBe(200);
    expect(await undone.json()).toMatchObject({ runId: expect.stringMatching(/^handback-/) });
    expect(readFileSync(join(ws.dir, "a.txt"), "utf8")).toBe("one\ntwo\n");
    expect(existsSync(join(ws.dir, "b.txt"))).toBe(false);
    const redone = await call(`/v1/workspaces/api/redo${q}`, {});
    expect(redone.status).toBe(200);
    expect(readFileSync(join(ws.dir, "b.txt"), "utf8")).toBe("new on the laptop\n");

    const fresh = await workspace("from-laptop");
    fresh.plant("links");
    git(l.laptop, "bundle", "create", "-q", join(root, "new.bundle"), "refs/heads/fix");
    const made = await call(`/v1/workspaces/from-laptop/handoff/new${q}`, { laptopDir: "/home/me/api", branch: "fix", bundle: readFileSync(join(root, "new.bundle")).toString("base64"), patch, session: null });
    expect(made.status, await made.clone().text()).toBe(200);
    expect(readFileSync(join(fresh.dir, "b.txt"), "utf8")).toBe("new on the laptop\n");
    victimUntouched();
    // No scratch is left, in the user's home or in /tmp.
    expect(existsSync(join(ws.home, ".relay-handoff", "api"))).toBe(false);
    expect(existsSync(join(ws.home, ".relay-handoff", "from-laptop"))).toBe(false);
    expect(vm!.output()).not.toContain("EACCES");
  });

  it("hands a folder that is not a repository out as its files and takes the laptop's files back; it stays a folder", async () => {
    const ws = await workspace("notes");
    ws.asAgent("echo hello > notes.txt && mkdir sub && echo deep > sub/d.txt");
    ws.plant("fifos");
    const out = await call(`/v1/workspaces/notes/handoff${q}`, { sessionId: null, laptopDir: "/home/me/notes" });
    expect(out.status, await out.clone().text()).toBe(200);
    const root = tempDir("vm-handoff-caps-files-");
    const l = laptopOf(new Uint8Array(await out.arrayBuffer()), root);
    expect(l).toMatchObject({ branch: "main", kind: "files" });
    expect(git(l.laptop, "log", "--format=%s")).toBe("the conversation's files (hand-off)");
    expect(git(l.laptop, "ls-files")).toBe("notes.txt\nsub/d.txt");

    writeFileSync(join(l.laptop, "notes.txt"), "hello\nfrom the laptop\n");
    git(l.laptop, "-c", "user.name=l", "-c", "user.email=l@l", "commit", "-qam", "laptop");
    git(l.laptop, "rm", "-q", "sub/d.txt");
    // A folder's hand-back sends the whole branch: the VM kept no commit of it.
    git(l.laptop, "bundle", "create", "-q", join(root, "back.bundle"), "main");
    const patch = Buffer.from(`${git(l.laptop, "diff", "--binary", "HEAD")}\n`).toString("base64");
    ws.plant("links");
    const back = await call(`/v1/workspaces/notes/handback${q}`, { laptopDir: "/home/me/notes", branch: "main", base: l.base, wipTree: l.wipTree, bundle: readFileSync(join(root, "back.bundle")).toString("base64"), patch, session: null });
    expect(back.status, await back.clone().text()).toBe(200);
    expect(await back.json()).toMatchObject({ branch: "main", files: 2 });
    expect(readFileSync(join(ws.dir, "notes.txt"), "utf8")).toBe("hello\nfrom the laptop\n");
    expect(existsSync(join(ws.dir, "sub", "d.txt"))).toBe(false);
    expect(existsSync(join(ws.dir, ".git"))).toBe(false);
    victimUntouched();

    // Changed here since: nothing of the laptop's is taken.
    ws.asAgent("echo phone > phone.txt");
    const conflict = await call(`/v1/workspaces/notes/handback${q}`, { laptopDir: "/home/me/notes", branch: "main", base: l.base, wipTree: l.wipTree, bundle: null, patch: null, session: null });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ reason: "conflict" });
  });
});
