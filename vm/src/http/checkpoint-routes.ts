// `POST /v1/workspaces/:workspace/undo?userId=…` and `…/redo` (docs/protocol.md, "Undo and redo"):
// the HTTP side of checkpoints/checkpoints.ts. Refused while a run is live in the workspace (or it
// is being cloned or deleted); the workspace is locked meanwhile, so no run starts in it mid-way.
import type { Context, Hono } from "hono";
import * as z from "zod";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import type { CheckpointRestored } from "../../../src/protocol/vm/changes";
import type { Checkpoints, RestoreOutcome } from "../checkpoints/checkpoints";
import { fail, parseInput } from "./http-body";
import type { RunManager } from "../runs/run-manager";
import { userPathsOf, workspaceDirOf } from "../users/user-paths";
import { lstatSync } from "node:fs";

export type CheckpointRouteDeps = {
  dataDir: string;
  manager: Pick<RunManager, "lockWorkspace" | "liveRunIn">;
  /** Null with CHECKPOINTS=off: nothing was recorded, so both answer 409 and say so. */
  checkpoints: Pick<Checkpoints, "undo" | "redo"> | null;
};

/** Why /undo and /redo find nothing on a VM that records no checkpoints. */
export const CHECKPOINTS_OFF_MESSAGE = "checkpoints are off on this VM (CHECKPOINTS=off): no run's files were recorded";

const WorkspaceOfUserSchema = z.object({ workspace: WorkspaceIdSchema, userId: z.string().min(1).max(64) });

/** The route's Hono pattern from the protocol's path builder (its query left out). */
const patternOf = (build: (workspace: string, userId: string) => string): string => build("WORKSPACE", "").split("?")[0]?.replace("WORKSPACE", ":workspace") ?? "";

export function addCheckpointRoutes(app: Hono, deps: CheckpointRouteDeps): void {
  const step = (kind: "undo" | "redo") => async (c: Context) => {
    const { workspace, userId } = parseInput({ workspace: c.req.param("workspace"), userId: c.req.query("userId") }, WorkspaceOfUserSchema);
    const paths = userPathsOf(deps.dataDir, userId);
    const dir = workspaceDirOf(paths, workspace);
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) fail(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
    const { checkpoints } = deps;
    if (!checkpoints) fail(409, { error: kind === "undo" ? "nothing_to_undo" : "nothing_to_redo", message: CHECKPOINTS_OFF_MESSAGE });
    const release = await deps.manager.lockWorkspace(paths.key, dir);
    if (!release) {
      const live = deps.manager.liveRunIn(paths.key, dir);
      fail(409, { error: "workspace_busy", message: live ? `run ${live} is in progress in this workspace` : "the workspace is being cloned into or deleted" });
    }
    let outcome: RestoreOutcome;
    try {
      outcome = await checkpoints[kind](paths.key, workspace);
    } finally {
      release();
    }
    if (outcome.kind === "nothing") {
      fail(409, kind === "undo" ? { error: "nothing_to_undo", message: "no run changed files here that is not undone already" } : { error: "nothing_to_redo", message: "no undo to take back" });
    }
    return c.json({ workspace, runId: outcome.runId, files: outcome.files, cannotRestore: outcome.cannotRestore } satisfies CheckpointRestored);
  };
  app.post(patternOf(VM_ROUTES.workspaceUndo), step("undo"));
  app.post(patternOf(VM_ROUTES.workspaceRedo), step("redo"));
}
