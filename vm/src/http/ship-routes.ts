// `POST /v1/workspaces/:workspace/ship/preview?userId=…` and `…/ship` (docs/github.md, "/ship"):
// the HTTP side of github/ship.ts. Both are refused while a run is live in the workspace; a ship
// holds the workspace's lock, so no run starts in it mid-way. And `…/pull-request-review`: a
// review from the phone on the pull request /ship opened (github/pull-review.ts), posted whatever
// the workspace's runs do, since it touches no file.
import type { Context, Hono } from "hono";
import * as z from "zod";
import { lstatSync } from "node:fs";
import { ShipRequestSchema } from "../../../src/protocol/vm/ship";
import { PullReviewRequestSchema } from "../../../src/protocol/vm/pull-review";
import type { PullReview } from "../github/pull-review";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import type { AgentUsers } from "../users/agent-users";
import { fail, parseBody, parseInput } from "./http-body";
import type { RunManager } from "../runs/run-manager";
import type { Ship, ShipOutcome } from "../github/ship";
import { userPathsOf, workspaceDirOf } from "../users/user-paths";

export type ShipRouteDeps = {
  dataDir: string;
  manager: Pick<RunManager, "lockWorkspace" | "liveRunIn">;
  users: Pick<AgentUsers, "idsOf">;
  ship: Ship;
  pullReview: PullReview;
};

const WorkspaceOfUserSchema = z.object({ workspace: WorkspaceIdSchema, userId: z.string().min(1).max(64) });
const patternOf = (build: (workspace: string, userId: string) => string): string => build("WORKSPACE", "").split("?")[0]?.replace("WORKSPACE", ":workspace") ?? "";

function answer<T>(c: Context, outcome: { ok: true; value: T } | { ok: false; refusal: object }) {
  return outcome.ok ? c.json(outcome.value as object, 200) : c.json(outcome.refusal, 422);
}

export function addShipRoutes(app: Hono, deps: ShipRouteDeps): void {
  const target = (c: Context) => {
    const { workspace, userId } = parseInput({ workspace: c.req.param("workspace"), userId: c.req.query("userId") }, WorkspaceOfUserSchema);
    const paths = userPathsOf(deps.dataDir, userId);
    const dir = workspaceDirOf(paths, workspace);
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) fail(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
    return { userKey: paths.key, workspace, dir, ids: deps.users.idsOf(paths.key) };
  };
  const busy = (userKey: string, dir: string): never => {
    const live = deps.manager.liveRunIn(userKey, dir);
    fail(409, { error: "workspace_busy", message: live ? `run ${live} is in progress in this workspace` : "the workspace is being cloned into, deleted or shipped" });
  };

  app.post(patternOf(VM_ROUTES.workspaceShipPreview), async (c) => {
    const t = target(c);
    const request = await parseBody(c, ShipRequestSchema);
    if (deps.manager.liveRunIn(t.userKey, t.dir)) busy(t.userKey, t.dir);
    return answer(c, await deps.ship.preview(t, request));
  });

  app.post(patternOf(VM_ROUTES.workspaceShip), async (c) => {
    const t = target(c);
    const request = await parseBody(c, ShipRequestSchema);
    const release = await deps.manager.lockWorkspace(t.userKey, t.dir);
    if (!release) busy(t.userKey, t.dir);
    try {
      return answer(c, await deps.ship.ship(t, request));
    } finally {
      release?.();
    }
  });

  app.post(patternOf(VM_ROUTES.workspacePullReview), async (c) => {
    const t = target(c);
    return answer(c, await deps.pullReview.post(t, await parseBody(c, PullReviewRequestSchema)));
  });
}
