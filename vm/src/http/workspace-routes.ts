// `POST /v1/workspaces`, `DELETE /v1/workspaces/:workspace?userId=…` and the workspace's approval
// rules, `GET`/`DELETE /v1/workspaces/:workspace/approval-rules?userId=…` (docs/protocol.md): the
// HTTP side of workspaces/workspaces.ts. Behind the token like every /v1 route; patterns from
// VM_ROUTES.
import type { Context, Hono } from "hono";
import * as z from "zod";
import { CreateWorkspaceRequestSchema, WorkspaceIdSchema, type WorkspaceDeleted } from "../../../src/protocol/vm/workspaces";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import type { ApprovalRules, ApprovalRulesRemoved } from "../../../src/protocol/vm/approvals";
import { fail, parseBody, parseInput } from "./http-body";
import type { Workspaces } from "../workspaces/workspaces";

const WorkspaceOfUserSchema = z.object({ workspace: WorkspaceIdSchema, userId: z.string().min(1).max(64) });

const workspaceOfUser = (c: Context) => parseInput({ workspace: c.req.param("workspace"), userId: c.req.query("userId") }, WorkspaceOfUserSchema);

/** A path builder's Hono pattern (its query left out): the routes are never spelled twice. */
function workspacePattern(build: (workspace: string, userId: string) => string): string {
  const marker = "WORKSPACE";
  return build(marker, "").split("?")[0]?.replace(marker, ":workspace") ?? "";
}

function unknownWorkspace(workspace: string): never {
  fail(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
}

export function addWorkspaceRoutes(app: Hono, workspaces: Workspaces): void {
  app.post(VM_ROUTES.workspaces, async (c) => {
    const request = await parseBody(c, CreateWorkspaceRequestSchema);
    const { status, body } = await workspaces.create(request);
    return c.json(body, status);
  });

  app.delete(workspacePattern(VM_ROUTES.workspace), async (c) => {
    const { workspace, userId } = workspaceOfUser(c);
    const outcome = await workspaces.remove(userId, workspace);
    if (outcome === "unknown_workspace") unknownWorkspace(workspace);
    if (outcome === "busy") fail(409, { error: "workspace_busy", message: "a run is live in this workspace, or it is being cloned or deleted" });
    return c.json({ workspace, deleted: true } satisfies WorkspaceDeleted);
  });

  app.get(workspacePattern(VM_ROUTES.approvalRules), (c) => {
    const { workspace, userId } = workspaceOfUser(c);
    const rules = workspaces.approvalRules(userId, workspace);
    if (rules === null) unknownWorkspace(workspace);
    return c.json({ workspace, rules } satisfies ApprovalRules);
  });

  app.delete(workspacePattern(VM_ROUTES.approvalRules), async (c) => {
    const { workspace, userId } = workspaceOfUser(c);
    const removed = await workspaces.forgetApprovalRules(userId, workspace);
    if (removed === null) unknownWorkspace(workspace);
    return c.json({ workspace, removed } satisfies ApprovalRulesRemoved);
  });
}
