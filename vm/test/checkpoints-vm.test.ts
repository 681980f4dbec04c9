// Undo and redo against the real VM and the real CLI (the offline model runs shell commands in
// the workspace): the run's `done` carries its change, /undo and /redo put files back on disk,
// across a VM restart between them, and both are refused while a run is live in the workspace.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CheckpointRestoredSchema, VM_ROUTES, VmErrorBodySchema, type VmRunEvent } from "../../src/protocol/vm-protocol";
import { userPathsOf } from "../src/user-paths";
import { useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550002323";
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const run = async (text: string) => (await h.startRun({ userId, text, options: { permissionMode: "bypassPermissions" } })).end();
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
  expect(body.cannotRestore.join("\n")).toContain("commits");
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
