// `POST /v1/workspaces` and `DELETE /v1/workspaces/:workspace?userId=…` (docs/protocol.md): the
// HTTP side of workspaces.ts. Behind the token like every /v1 route; patterns from VM_ROUTES.
import type { Hono } from "hono";
import * as z from "zod";
import { CreateWorkspaceRequestSchema, VM_ROUTES, WorkspaceIdSchema, type WorkspaceDeleted } from "../../src/protocol/vm-protocol";
import { fail, parseBody, parseInput } from "./http-body";
import type { Workspaces } from "./workspaces";

const DeleteWorkspaceSchema = z.object({ workspace: WorkspaceIdSchema, userId: z.string().min(1).max(64) });

export function addWorkspaceRoutes(app: Hono, workspaces: Workspaces): void {
  app.post(VM_ROUTES.workspaces, async (c) => {
    const request = await parseBody(c, CreateWorkspaceRequestSchema);
    const { status, body } = await workspaces.create(request);
    return c.json(body, status);
  });

  app.delete(`${VM_ROUTES.workspaces}/:workspace`, async (c) => {
    const { workspace, userId } = parseInput({ workspace: c.req.param("workspace"), userId: c.req.query("userId") }, DeleteWorkspaceSchema);
    const outcome = await workspaces.remove(userId, workspace);
    if (outcome === "unknown_workspace") fail(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
    if (outcome === "busy") fail(409, { error: "workspace_busy", message: "a run is live in this workspace, or it is being cloned or deleted" });
    return c.json({ workspace, deleted: true } satisfies WorkspaceDeleted);
  });
}
