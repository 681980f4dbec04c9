// `POST /v1/workspaces/:workspace/handoff?userId=…`, `…/handback`, `…/handback/keep` and
// `…/handoff/new` (docs/protocol.md): the HTTP side of handoff/*.ts. Refused while a run is live in
// the workspace; the work is done under the workspace's lock, so no run starts in it mid-way.
import type { Context, Hono } from "hono";
import * as z from "zod";
import { randomUUID } from "node:crypto";
import { lstatSync } from "node:fs";
import { GIT_BUNDLE_CONTENT_TYPE, MAX_BASE64, HandbackKeepRequestSchema, HandbackRequestSchema, HandoffNewRequestSchema, HandoffOutRequestSchema } from "../../../src/protocol/vm/handoff";
import { handback, keepLaptop } from "../handoff/handback";
import { handoffNew } from "../handoff/handoff-new";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import type { AgentUsers } from "../users/agent-users";
import { fail, parseBody, parseInput } from "./http-body";
import type { RunManager } from "../runs/run-manager";
import { handoffBundle, type HandoffTarget } from "../handoff/handoff";
import { ensureUserDirs, userPathsOf, workspaceDirOf } from "../users/user-paths";
import type { Checkpoints } from "../checkpoints/checkpoints";
import type { HandbackDone } from "../../../src/protocol/vm/handoff";

export type HandoffRouteDeps = {
  dataDir: string;
  manager: Pick<RunManager, "lockWorkspace">;
  users: Pick<AgentUsers, "idsOf">;
  /** A hand-back's checkpoints before and after it (null: CHECKPOINTS=off, no change is recorded). */
  checkpoints?: Pick<Checkpoints, "before" | "after"> | null;
};

type Where = { key: string; workspace: string };

/** A hand-back carries up to three base64 fields (the bundle, the patch, the session) and a few names. */
const MAX_HANDBACK_BODY_BYTES = 3 * MAX_BASE64 + 64 * 1024;

const WorkspaceOfUserSchema = z.object({ workspace: WorkspaceIdSchema, userId: z.string().min(1).max(64) });
const patternOf = (build: (workspace: string, userId: string) => string): string => build("WORKSPACE", "").split("?")[0]?.replace("WORKSPACE", ":workspace") ?? "";

export function addHandoffRoutes(app: Hono, deps: HandoffRouteDeps): void {
  /** The workspace the request names, locked against runs while `work` goes on; 409 while a run is live in it. */
  const underLock = async (c: Context, work: (t: HandoffTarget, where: Where) => Promise<Response>, create = false): Promise<Response> => {
    const { workspace, userId } = parseInput({ workspace: c.req.param("workspace"), userId: c.req.query("userId") }, WorkspaceOfUserSchema);
    const paths = userPathsOf(deps.dataDir, userId);
    const dir = workspaceDirOf(paths, workspace);
    // /handoff new: the workspace is made here, as POST /v1/workspaces without a clone makes it.
    if (create) await ensureUserDirs(paths, dir, deps.users.idsOf(paths.key));
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) fail(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
    const release = await deps.manager.lockWorkspace(paths.key, dir);
    if (!release) return c.json({ error: "handoff_refused", reason: "busy", message: "A run is in progress in this conversation; try again when it has answered." }, 409);
    try {
      return await work({ dir, home: paths.home, ids: deps.users.idsOf(paths.key) }, { key: paths.key, workspace });
    } finally {
      release();
    }
  };

  /**
   * `work` between a checkpoint before and one after, under an id of its own: what it changed is
   * recorded as a run's change is (its line, /diff, /undo). A checkpoint that fails costs only that.
   */
  const asChange = async <T extends { ok: boolean }>(where: Where, work: () => Promise<T>): Promise<{ outcome: T; recorded: Pick<HandbackDone, "changeId" | "change"> }> => {
    const changeId = `handback-${randomUUID()}`;
    const checkpoints = deps.checkpoints;
    const before = checkpoints ? await checkpoints.before(where.key, where.workspace, changeId).then(() => true, (error: unknown) => (console.error(`vm: hand-back: no checkpoint before it: ${String(error)}`), false)) : false;
    const outcome = await work();
    // Taken after a failure too: a hand-back that stopped half-way is then undone as a whole.
    const change = checkpoints && before ? await checkpoints.after(where.key, where.workspace, changeId).catch(() => null) : null;
    return { outcome, recorded: change ? { changeId, change } : {} };
  };

  app.post(patternOf(VM_ROUTES.workspaceHandoff), async (c) => {
    const request = await parseBody(c, HandoffOutRequestSchema);
    return underLock(c, async (t) => {
      const outcome = await handoffBundle(t, request);
      if (!outcome.ok) return c.json(outcome.refusal, 422);
      return new Response(outcome.bundle, { headers: { "content-type": GIT_BUNDLE_CONTENT_TYPE, "cache-control": "no-store" } });
    });
  });

  app.post(patternOf(VM_ROUTES.workspaceHandback), async (c) => {
    const request = await parseBody(c, HandbackRequestSchema, MAX_HANDBACK_BODY_BYTES);
    return underLock(c, async (t, where) => {
      const { outcome, recorded } = await asChange(where, () => handback(t, request));
      return outcome.ok ? c.json({ ...outcome.done, ...recorded }) : c.json(outcome.refusal, outcome.refusal.reason === "conflict" ? 409 : 422);
    });
  });

  app.post(patternOf(VM_ROUTES.workspaceHandoffNew), async (c) => {
    const request = await parseBody(c, HandoffNewRequestSchema, MAX_HANDBACK_BODY_BYTES);
    return underLock(
      c,
      async (t) => {
        const outcome = await handoffNew(t, request);
        return outcome.ok ? c.json(outcome.done) : c.json(outcome.refusal, 422);
      },
      true,
    );
  });

  app.post(patternOf(VM_ROUTES.workspaceHandbackKeep), async (c) => {
    const request = await parseBody(c, HandbackKeepRequestSchema);
    return underLock(c, async (t, where) => {
      const { outcome, recorded } = await asChange(where, () => keepLaptop(t, request));
      return outcome.ok ? c.json({ ...outcome.kept, done: { ...outcome.kept.done, ...recorded } }) : c.json(outcome.refusal, 422);
    });
  });
}
