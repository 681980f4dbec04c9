// The VM's HTTP surface (docs/protocol.md): the token on every request but /health, request
// bodies parsed with the protocol's schemas, run events as NDJSON streams.
import { createHash } from "node:crypto";
import { bearerAuth } from "hono/bearer-auth";
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { RunInputRequestSchema, StartRunRequestSchema, ToolResultRequestSchema, type VmRunEvent } from "../../../src/protocol/vm/runs";
import { VM_ROUTES, EVENT_STREAM_CONTENT_TYPE, type VmErrorBody } from "../../../src/protocol/vm/routes";
import type { ConfigProblemReason, VmHealth } from "../../../src/protocol/vm/health";
import type { ApprovalBridge } from "../approvals/approval-bridge";
import { addApprovalRoutes } from "./approval-routes";
import { addMcpRoutes } from "./mcp-routes";
import { addCheckpointRoutes, type CheckpointRouteDeps } from "./checkpoint-routes";
import { addShipRoutes, type ShipRouteDeps } from "./ship-routes";
import { addHandoffRoutes, type HandoffRouteDeps } from "./handoff-routes";
import { eventStreamResponse, type StreamHooks } from "./event-stream";
import { addFileRoutes } from "./file-routes";
import { addRenderRoutes } from "./render-routes";
import type { FileStaging } from "../files/file-staging";
import { fail, parseBody } from "./http-body";
import type { RunManager } from "../runs/run-manager";
import type { ToolBridge } from "../relay-tools/tool-bridge";
import { isRunId } from "../users/user-paths";
import { refusalOf, type StartProblem } from "../core/readiness";
import { addWorkspaceRoutes } from "./workspace-routes";
import { addGithubPermissionRoute } from "./github-permission-routes";
import type { GithubPermissions } from "../github/github-permission";
import type { Workspaces } from "../workspaces/workspaces";
import { addArchiveRoutes } from "./archive-routes";
import { addPreviewRoutes, type PreviewRouteDeps } from "./preview-routes";
import { addShotRoutes, shotPortOf } from "./shot-routes";
import { sendShotTool } from "../shots/shot-tool";
import type { Shooter } from "../shots/shooter";
import { previewStartTool } from "../preview/preview-tool";
import type { UserArchive } from "../archive/user-archive";

export type RouteDeps = {
  vmToken: string;
  manager: RunManager;
  workspaces: Workspaces;
  tools: ToolBridge;
  /** `send_file`'s staged files. */
  files: FileStaging;
  approvals: ApprovalBridge;
  /** The configuration problem the VM knows of, for /health with the token. */
  problem: () => string | null;
  /** What its start found that stops it running an agent (core/readiness.ts): /health's 503, and runs refused. */
  readiness?: readonly StartProblem[];
  /** The settings under which it runs agents less apart than it could (core/machine-isolation.ts): named on /health with the token. */
  allowed?: readonly string[];
  stream: Omit<StreamHooks, "onDelivered"> & Partial<Pick<StreamHooks, "onDelivered">>;
  /** Every authorised request, before it is answered. */
  onRequest: () => void;
  now: () => number;
  /** Undo and redo of a workspace's runs (checkpoint-routes.ts); absent, the routes are not there. */
  checkpoints?: Omit<CheckpointRouteDeps, "manager">;
  /** /ship's preview and ship (ship-routes.ts); absent, the routes are not there. */
  ship?: Omit<ShipRouteDeps, "manager">;
  /** /handoff's bundle of a workspace for a laptop (handoff-routes.ts); absent, the route is not there. */
  handoff?: Omit<HandoffRouteDeps, "manager">;
  /** Values a rendered /diff picture must never show (the VM's secrets). */
  secrets: readonly string[];
  /** GitHub's collaborator permission for the relay's `/agent` check (github-permission.ts); absent, the route is not there. */
  githubPermissions?: GithubPermissions;
  /** A user's archive to R2 and restore (archive-routes.ts); absent, the routes are not there. */
  archive?: UserArchive;
  /** A conversation's preview: its kept server and the proxy to its ports (preview-routes.ts); absent, the routes are not there. */
  preview?: PreviewRouteDeps;
  /** /shot's browser (shot-routes.ts); absent, or without `preview`, the route is not there. */
  shooter?: Shooter;
};

export function runIdOf(c: Context): string {
  const runId = c.req.param("runId") ?? "";
  if (!isRunId(runId)) fail(400, { error: "bad_request", message: "runId must be 1-80 of [A-Za-z0-9_-]" });
  return runId;
}

/** A run route's Hono pattern, from the protocol's own path builder: the routes are never spelled twice. */
export function runPattern(build: (runId: string) => string): string {
  const marker = "RUNID";
  return build(marker).replace(marker, ":runId");
}

/** A run's whole stream when the VM cannot run an agent: its one terminal event. */
function refusedRun(reason: ConfigProblemReason, message: string): Response {
  const event: VmRunEvent = { seq: 1, type: "error", code: "misconfigured", reason, message: message.slice(0, 2000) };
  return new Response(`${JSON.stringify(event)}\n`, { headers: { "content-type": EVENT_STREAM_CONTENT_TYPE, "cache-control": "no-store" } });
}

/**
 * The bearer check's hash, on this thread. Hono's default hashes through Web Crypto, which Node
 * runs as two thread-pool jobs per request: 1-10 ms before every route on the VM's path to the
 * model (docs/notes/warm-path.md).
 */
function sha256Hex(data: string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function createVmApp(deps: RouteDeps): Hono {
  const app = new Hono();
  // Hono's bearer check (constant-time); every refusal is the protocol's 401 body, a malformed
  // header too.
  const refused = () => Response.json({ error: "unauthorized" } satisfies VmErrorBody, { status: 401 });
  const requireToken = bearerAuth({
    token: deps.vmToken,
    hashFunction: sha256Hex,
    noAuthenticationHeader: { message: refused },
    invalidAuthenticationHeader: { message: refused },
    invalidToken: { message: refused },
  });
  const hasToken = (c: Context) => requireToken(c, async () => {}).then(
    () => true,
    () => false,
  );

  // Health checks (Fly polls them) and refused requests are not activity: neither may keep
  // an idle VM awake. Only the relay, with the token, learns of a configuration problem.
  const missing = (deps.readiness ?? []).map((p) => p.name);
  const allowed = [...(deps.allowed ?? [])];
  app.get(VM_ROUTES.live, (c) => c.json<VmHealth>({ ok: true }));
  app.get(VM_ROUTES.health, async (c) => {
    const health: VmHealth = missing.length > 0 ? { ok: false, missing } : { ok: true };
    const problem = deps.problem() ?? deps.readiness?.[0]?.message ?? null;
    const details = { ...(allowed.length > 0 ? { allowed } : {}), problem };
    return c.json<VmHealth>((await hasToken(c)) ? { ...health, ...details } : health, missing.length > 0 ? 503 : 200);
  });
  const authorised = [requireToken, async (_c: Context, next: () => Promise<void>) => {
    deps.onRequest();
    await next();
  }] as const;
  app.use("/v1/*", ...authorised);
  app.use("/users/*", ...authorised);

  if (deps.githubPermissions) addGithubPermissionRoute(app, deps.githubPermissions);

  app.post(VM_ROUTES.startRun, async (c) => {
    const receivedAt = deps.now();
    const request = await parseBody(c, StartRunRequestSchema);
    // No CLI could get past it: the run ends at once, named, so the relay tells the user why
    // instead of retrying a run that failed as if interrupted.
    const refusal = refusalOf(deps.readiness ?? []);
    if (refusal?.refuses) return refusedRun(refusal.refuses, refusal.message);
    const outcome = deps.manager.start(request, receivedAt);
    if (outcome.kind === "user_mismatch") fail(409, { error: "user_mismatch", message: "this runId belongs to another user" });
    if (outcome.kind === "shutting_down") fail(503, { error: "bad_request", message: "the VM is shutting down" });
    return eventStreamResponse(outcome.run, 0, { onDelivered: undefined, ...deps.stream });
  });

  app.get(runPattern(VM_ROUTES.runEvents), (c) => {
    const after = Number(c.req.query("after") ?? "0");
    if (!Number.isInteger(after) || after < 0) fail(400, { error: "bad_request", message: "after must be a non-negative integer" });
    const run = deps.manager.find(runIdOf(c));
    if (!run) fail(404, { error: "unknown_run" });
    return eventStreamResponse(run, after, { onDelivered: undefined, ...deps.stream });
  });

  app.post(runPattern(VM_ROUTES.runInput), async (c) => {
    const runId = runIdOf(c);
    const { messages } = await parseBody(c, RunInputRequestSchema);
    const outcome = deps.manager.input(runId, messages);
    if (outcome === "unknown_run") fail(404, { error: "unknown_run" });
    if (outcome === "run_finished") fail(409, { error: "run_finished", message: "the run has ended; start a new one" });
    return c.json({ accepted: true }, 202);
  });

  app.post(runPattern(VM_ROUTES.runCancel), (c) => {
    if (deps.manager.cancel(runIdOf(c)) === "unknown_run") fail(404, { error: "unknown_run" });
    return c.json({ accepted: true }, 202);
  });

  app.post(runPattern(VM_ROUTES.toolResult), async (c) => {
    const runId = runIdOf(c);
    const { callId, ok, text } = await parseBody(c, ToolResultRequestSchema);
    const run = deps.manager.find(runId);
    if (!run) fail(404, { error: "unknown_run" });
    if (deps.tools.answer(runId, callId, { ok, text })) return c.json({ accepted: true }, 202);
    if (run.isFinished()) fail(409, { error: "run_finished", message: "the run has ended; its tool calls were answered with an error" });
    fail(400, { error: "bad_request", message: `no pending tool call ${callId} (already answered, or timed out)` });
  });

  addWorkspaceRoutes(app, deps.workspaces);
  addFileRoutes(app, deps.files);
  addRenderRoutes(app, { secrets: deps.secrets });
  addApprovalRoutes(app, { ...deps, runPattern, runIdOf });
  if (deps.checkpoints) addCheckpointRoutes(app, { ...deps.checkpoints, manager: deps.manager });
  if (deps.ship) addShipRoutes(app, { ...deps.ship, manager: deps.manager });
  if (deps.archive) addArchiveRoutes(app, deps.archive);
  if (deps.preview) addPreviewRoutes(app, deps.preview);
  if (deps.preview && deps.shooter) addShotRoutes(app, { ...deps.preview, shooter: deps.shooter });
  if (deps.handoff) addHandoffRoutes(app, { ...deps.handoff, manager: deps.manager });

  // The relay's tools for the agents' CLIs: their own secrets and connections, never VM_TOKEN.
  const preview = deps.preview;
  const shooter = deps.shooter;
  addMcpRoutes(app, {
    ...deps,
    ...(preview ? { startPreview: previewStartTool({ ...preview, conversationOf: deps.manager.conversationOf, untrusted: deps.manager.untrusted }) } : {}),
    ...(preview && shooter ? { takeShot: sendShotTool({ ...preview, shooter, portOf: (place) => shotPortOf(preview, place), conversationOf: deps.manager.conversationOf }) } : {}),
  });

  app.notFound(() => Response.json({ error: "bad_request", message: "no such route" } satisfies VmErrorBody, { status: 404 }));
  app.onError((error) => {
    if (error instanceof HTTPException) return error.getResponse();
    console.error(`vm: ${error instanceof Error ? error.stack : String(error)}`);
    return Response.json({ error: "bad_request", message: "internal error" } satisfies VmErrorBody, { status: 500 });
  });
  return app;
}
