// Deleting a workspace removes that directory and nothing else; never while a run of the user is
// live in it; "main" may go too (the next run there starts it afresh).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { VM_ROUTES, VmErrorBodySchema } from "../../src/protocol/vm/routes";
import { WorkspaceDeletedSchema } from "../../src/protocol/vm/workspaces";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { processesIn, resultsOf, useHarness } from "./helpers/harness";

const h = useHarness();
const userId = "+15550001009";

it("deletes one workspace, refuses while a run is live in it, and 404s an unknown one", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  const keep = workspaceDirOf(paths, "keep");
  const gone = workspaceDirOf(paths, "gone");
  await (await h.startRun({ userId, workspace: "keep", text: "one" })).end();
  expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "gone" })).status).toBe(201);
  writeFileSync(join(gone, "notes.txt"), "x");

  // A run live in "gone": 409, nothing removed; its warm process afterwards is stopped by the delete.
  const live = await h.startRun({ userId, workspace: "gone", text: "slow [[slow 3000]]" });
  await live.waitFor((e) => e.type === "session");
  const refused = await h.call("DELETE", VM_ROUTES.workspace("gone", userId));
  expect(refused.status).toBe(409);
  expect(VmErrorBodySchema.parse(await refused.json()).error).toBe("workspace_busy");
  expect(resultsOf(await live.end())).toHaveLength(1);
  expect(processesIn(gone)).toHaveLength(1);

  const deleted = await h.call("DELETE", VM_ROUTES.workspace("gone", userId));
  expect(deleted.status).toBe(200);
  expect(WorkspaceDeletedSchema.parse(await deleted.json())).toEqual({ workspace: "gone", deleted: true });
  expect(existsSync(gone)).toBe(false);
  expect(processesIn(gone)).toEqual([]);
  expect(existsSync(keep) && existsSync(paths.home)).toBe(true);

  const again = await h.call("DELETE", VM_ROUTES.workspace("gone", userId));
  expect(again.status).toBe(404);
  expect(VmErrorBodySchema.parse(await again.json()).error).toBe("unknown_workspace");
  // The user id travels percent-encoded: another user's "gone" is not this one's.
  expect((await h.call("DELETE", VM_ROUTES.workspace("keep", "+15550001010"))).status).toBe(404);
});

it("deletes main, and the next run there starts with an empty directory", async () => {
  const paths = userPathsOf(h.dataDir, userId);
  await (await h.startRun({ userId, text: "in main" })).end();
  writeFileSync(join(paths.workspace, "old.txt"), "x");
  expect((await h.call("DELETE", VM_ROUTES.workspace("main", userId))).status).toBe(200);
  expect(existsSync(paths.workspace)).toBe(false);
  const next = await (await h.startRun({ userId, text: "fresh" })).end();
  expect(resultsOf(next)[0]?.isError).toBe(false);
  expect(existsSync(join(paths.workspace, "old.txt"))).toBe(false);
});
