// Undo and redo against the real VM and the real CLI (the offline model runs shell commands in
// the workspace): the run's `done` carries its change, /undo and /redo put files back on disk,
// across a VM restart between them, and both are refused while a run is live in the workspace.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CheckpointRestoredSchema } from "../../src/protocol/vm/changes";
import { VM_ROUTES, VmErrorBodySchema } from "../../src/protocol/vm/routes";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { makeBareRepo } from "./helpers/git-repo";
import { useHarness } from "./helpers/harness";

const h = useHarness({ allowLocalClones: true });
const userId = "+15550002323";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const run = async (text: string, workspace = "main") => (await h.startRun({ userId, workspace, text, options: { permissionMode: "bypassPermissions" } })).end();
const doneOf = (events: VmRunEvent[]) => events.find((e) => e.type === "done");
const read = (path: string) => {
  const file = join(userPathsOf(h.dataDir, userId).workspace, path);
  return existsSync(file) ? readFileSync(file, "utf8") : null;
};

it("a run's change on its done; undo, a VM restart, redo, with files checked on disk; refused while a run is live", async () => {
  const first = doneOf(await run(bash("printf 'one\\n' > a.txt && printf 'old\\n' > gone.txt")));
  expect(first?.type === "done" && first.change?.files.map((f) => f.path).sort()).toEqual(["a.txt", "gone.txt"]);

  const second = doneOf(await run(bash("printf 'two\\n' > a.txt && rm gone.txt && mkdir -p d && printf 'new\\n' > d/b.txt")));
  expect(second?.type === "done" && second.change?.files).toEqual([
    { path: "a.txt", status: "modified", insertions: 1, deletions: 1 },
    { path: "d/b.txt", status: "added", insertions: 1, deletions: 0 },
    { path: "gone.txt", status: "deleted", insertions: 0, deletions: 1 },
  ]);
  expect(second?.type === "done" && second.change?.diff).toContain("+two");

  // A run that changes nothing says nothing.
  const idle = doneOf(await run("just talk"));
  expect(idle?.type === "done" && idle.change).toBeUndefined();

  const undone = await h.call("POST", VM_ROUTES.workspaceUndo("main", userId));
  expect(undone.status).toBe(200);
  const body = CheckpointRestoredSchema.parse(await undone.json());
  expect(body.files.map((f) => f.path).sort()).toEqual(["a.txt", "d/b.txt", "gone.txt"]);
  // Nothing ignored, nothing over 1 MiB: nothing reported as left behind.
  expect(body.cannotRestore).toEqual([]);
  expect([read("a.txt"), read("gone.txt"), read("d/b.txt")]).toEqual(["one\n", "old\n", null]);

  await h.restart();
  const redone = await h.call("POST", VM_ROUTES.workspaceRedo("main", userId));
  expect(redone.status).toBe(200);
  expect([read("a.txt"), read("gone.txt"), read("d/b.txt")]).toEqual(["two\n", null, "new\n"]);
  const noMore = await h.call("POST", VM_ROUTES.workspaceRedo("main", userId));
  expect(noMore.status).toBe(409);
  expect(VmErrorBodySchema.parse(await noMore.json()).error).toBe("nothing_to_redo");

  // Live: refused at once, naming the run.
  const runId = "run-live-checkpoint";
  const live = await h.startRun({ runId, userId, text: "slow [[slow 3000]]" });
  await live.waitFor((e) => e.type === "session");
  const refused = await h.call("POST", VM_ROUTES.workspaceUndo("main", userId));
  expect(refused.status).toBe(409);
  expect(VmErrorBodySchema.parse(await refused.json())).toMatchObject({ error: "workspace_busy", message: expect.stringContaining(runId) });
  await live.end();
  expect(read("a.txt")).toBe("two\n");

  expect((await h.call("POST", VM_ROUTES.workspaceUndo("nope", userId))).status).toBe(404);
});

/** The user's repository as git reports it (as root, looking only: optional locks off, no hook, no fsmonitor). */
function repoState(dir: string) {
  const look = (...args: string[]) => {
    const env = { PATH: process.env.PATH, HOME: "/nonexistent", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_OPTIONAL_LOCKS: "0" };
    const out = spawnSync("git", ["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", ...args], { cwd: dir, env, encoding: "utf8" });
    if (out.status !== 0) throw new Error(`git ${args.join(" ")}: ${out.stderr}`);
    return out.stdout;
  };
  const config = readFileSync(join(dir, ".git", "config"), "utf8");
  return {
    branch: look("branch", "--show-current"),
    head: look("rev-parse", "HEAD"),
    index: look("ls-files", "-s"),
    status: look("status", "--porcelain=v2", "--untracked-files=all"),
    refs: look("for-each-ref", "--format=%(refname) %(objectname)"),
    stash: look("stash", "list"),
    config,
  };
}

it("a cloned repository's branch, HEAD, index, stash, config and status are the same after a run that changed nothing, and come back with undo", async () => {
  const repo = makeBareRepo({ "README.md": "# app\n", "src/index.ts": "export {};\n" });
  expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "app", clone: { url: repo } })).status).toBe(201);
  const dir = workspaceDirOf(userPathsOf(h.dataDir, userId), "app");
  // The user's own state: another branch, a staged file, a stash, a dirty file.
  const setup = [
    "git checkout -q -b work",
    "printf 'stash me\\n' >> src/index.ts",
    "git -c user.name=u -c user.email=u@example.com stash -q",
    "printf 'staged\\n' > staged.txt && git add staged.txt",
    "printf 'dirty\\n' >> README.md",
  ].join(" && ");
  await run(bash(setup), "app");
  const before = repoState(dir);
  expect(before.stash).toContain("stash@{0}");
  expect(before.branch.trim()).toBe("work");

  const quiet = doneOf(await run(bash("cat README.md"), "app"));
  expect(quiet?.type === "done" && quiet.change).toBeUndefined();
  expect(repoState(dir)).toEqual(before);

  const edit = doneOf(await run(bash("printf 'by the agent\\n' >> README.md && printf 'x\\n' > new.txt"), "app"));
  expect(edit?.type === "done" && edit.change?.files.map((f) => f.path)).toEqual(["README.md", "new.txt"]);
  expect((await h.call("POST", VM_ROUTES.workspaceUndo("app", userId))).status).toBe(200);
  expect(repoState(dir)).toEqual(before);
  expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# app\ndirty\n");
});
