// Cloning into a new workspace from a local bare repository (ALLOW_LOCAL_CLONES, tests only),
// with the real git: the branch and file count reported, an owner-only directory, the agent
// working in it, and a repeat that changes nothing.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { WorkspaceCreatedSchema, WorkspaceErrorSchema } from "../../src/protocol/vm/workspaces";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { makeBareRepo } from "./helpers/git-repo";
import { resultsOf, useHarness } from "./helpers/harness";

const h = useHarness({ allowLocalClones: true });
const userId = "+15550001004";
const repo = makeBareRepo({ "README.md": "# app\n", "src/index.ts": "export {};\n", "src/util.ts": "export const x = 1;\n" });

it("clones a local bare repository into the workspace and reports its branch and files", async () => {
  const res = await h.call("POST", "/v1/workspaces", { userId, workspace: "app", clone: { url: repo } });
  expect(res.status).toBe(201);
  const created = WorkspaceCreatedSchema.parse(await res.json());
  expect(created).toMatchObject({ workspace: "app", branch: "trunk", files: 3 });

  const dir = workspaceDirOf(userPathsOf(h.dataDir, userId), "app");
  expect(readdirSync(dir).sort()).toEqual([".git", "README.md", "src"]);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  // No staging directory is left next to it.
  expect(readdirSync(userPathsOf(h.dataDir, userId).root).filter((n) => n.startsWith(".clone-"))).toEqual([]);

  // The agent works in the clone.
  const run = await (await h.startRun({ userId, workspace: "app", text: '[[tool Bash {"command":"git log --oneline | wc -l; ls src"}]]' })).end();
  expect(resultsOf(run)[0]?.text).toBe("[offline model] The Bash tool answered: 1 index.ts util.ts");

  // The same request again (a retry whose answer was lost): 200, nothing changed.
  const again = await h.call("POST", "/v1/workspaces", { userId, workspace: "app", clone: { url: repo } });
  expect(again.status).toBe(200);
  expect(WorkspaceCreatedSchema.parse(await again.json())).toMatchObject({ branch: "trunk", files: 3 });

  // Another repository into the same, non-empty workspace: refused, the workspace untouched.
  const other = await h.call("POST", "/v1/workspaces", { userId, workspace: "app", clone: { url: `file://${repo}`, branch: "feature" } });
  expect(other.status).toBe(409);
  expect(WorkspaceErrorSchema.parse(await other.json()).reason).toBe("exists");
  expect(readdirSync(dir)).not.toContain("feature.txt");
});

it("checks out the branch asked for, from a file:// URL", async () => {
  const res = await h.call("POST", "/v1/workspaces", { userId, workspace: "app-feature", clone: { url: `file://${repo}`, branch: "feature" } });
  expect(res.status).toBe(201);
  expect(WorkspaceCreatedSchema.parse(await res.json())).toMatchObject({ branch: "feature", files: 4 });
  expect(readdirSync(join(workspaceDirOf(userPathsOf(h.dataDir, userId), "app-feature")))).toContain("feature.txt");
});

it("clones into main when it is empty, and creates empty workspaces idempotently", async () => {
  const other = "+15550001005";
  const empty = await h.call("POST", "/v1/workspaces", { userId: other, workspace: "scratch" });
  expect(empty.status).toBe(201);
  expect(WorkspaceCreatedSchema.parse(await empty.json())).toMatchObject({ workspace: "scratch", branch: null, files: 0 });
  expect((await h.call("POST", "/v1/workspaces", { userId: other, workspace: "scratch" })).status).toBe(200);

  // A first run created main, empty; a clone may still go there.
  await (await h.startRun({ userId: other, text: "hello" })).end();
  const main = await h.call("POST", "/v1/workspaces", { userId: other, workspace: "main", clone: { url: repo } });
  expect(main.status).toBe(201);
  expect(readdirSync(userPathsOf(h.dataDir, other).workspace)).toContain("README.md");
});
