// The VM's routes, the content type and heartbeat of its event streams, and the error bodies of its 4xx answers.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

/** Routes on the VM. All but the two health routes need `Authorization: Bearer <VM_TOKEN>`. */
export const VM_ROUTES = {
  health: "/health",
  /**
   * 200 `{ok: true}` while the server answers at all: Fly's check (fly.toml). Fly's proxy stops
   * routing to a Machine whose check fails, so a check on /health would hide a VM that cannot run
   * an agent behind "unreachable", where its runs are refused with the reason the user is told.
   */
  live: "/health/live",
  startRun: "/v1/runs",
  runEvents: (runId: string) => `/v1/runs/${encodeURIComponent(runId)}/events`,
  runInput: (runId: string) => `/v1/runs/${encodeURIComponent(runId)}/input`,
  runCancel: (runId: string) => `/v1/runs/${encodeURIComponent(runId)}/cancel`,
  toolResult: (runId: string) => `/v1/runs/${encodeURIComponent(runId)}/tool-result`,
  /** `POST` an `ApprovalAnswerRequest`: the answer to one `approval_request` event. */
  approval: (runId: string) => `/v1/runs/${encodeURIComponent(runId)}/approval`,
  /** `POST` a `CreateWorkspaceRequest`. The VM registers `DELETE ${workspaces}/:workspace`. */
  workspaces: "/v1/workspaces",
  /**
   * `DELETE`: one workspace of one user. The user id goes in the query, percent-encoded: a raw
   * "+" of an E.164 number would read as a space.
   */
  workspace: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}?userId=${encodeURIComponent(userId)}`,
  /** `GET`: the rules "always" answers remembered in one workspace; `DELETE`: removes them. */
  approvalRules: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/approval-rules?userId=${encodeURIComponent(userId)}`,
  /** `GET`: the bytes of a file the agent's `send_file` staged (the `fileId` of its `tool_call`). */
  runFile: (runId: string, fileId: string) => `/v1/runs/${encodeURIComponent(runId)}/files/${encodeURIComponent(fileId)}`,
  /** `POST`: puts the workspace's files back as they were before its last run that changed them (`CheckpointRestored`). */
  workspaceUndo: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/undo?userId=${encodeURIComponent(userId)}`,
  /** `POST`: takes back the last undo of that workspace (`CheckpointRestored`). */
  workspaceRedo: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/redo?userId=${encodeURIComponent(userId)}`,
  /** `POST` a `ShipRequest`: what /ship would push and to which pull request (`ShipPlan`), changing nothing. */
  workspaceShipPreview: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/ship/preview?userId=${encodeURIComponent(userId)}`,
  /**
   * `GET`: the permission GitHub gives `user` on `repo` (`GithubPermission`), asked with the VM's
   * GITHUB_TOKEN and kept a few minutes: whether an `/agent` comment's author may write there.
   */
  githubPermission: (repo: string, user: string) => `/v1/github/permission?repo=${encodeURIComponent(repo)}&user=${encodeURIComponent(user)}`,
  /** `POST` a `PullReviewRequest`: the comments as one review of the workspace's pull request on GitHub (`PullReviewPosted`). */
  workspacePullReview: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/pull-request-review?userId=${encodeURIComponent(userId)}`,
  /** `POST` a `ShipRequest`: commits, pushes and opens or updates the pull request (`ShipDone`). */
  workspaceShip: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/ship?userId=${encodeURIComponent(userId)}`,
  /** `POST` a `HandoffOutRequest`: the workspace and its session as a git bundle for a laptop (handoff.ts). */
  workspaceHandoff: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/handoff?userId=${encodeURIComponent(userId)}`,
  /** `POST` a `HandbackRequest`: the laptop's commits, changes and session back into the workspace (`HandbackDone`). */
  workspaceHandback: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/handback?userId=${encodeURIComponent(userId)}`,
  /** `POST` a `HandbackKeepRequest`: a conflict's laptop side kept, the workspace's own kept as a branch (handoff.ts). */
  workspaceHandbackKeep: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/handback/keep?userId=${encodeURIComponent(userId)}`,
  /** `POST` a `HandoffNewRequest`: a new, empty workspace filled with a laptop's repository and session (`HandbackDone`). */
  /** `GET` the conversation's preview (`PreviewState`), `POST` a `PreviewStartRequest`, `DELETE` ends its kept server (preview.ts). */
  workspacePreview: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/preview?userId=${encodeURIComponent(userId)}`,
  workspaceHandoffNew: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/handoff/new?userId=${encodeURIComponent(userId)}`,
} as const;

/** The VM sends a heartbeat line at least this often on every open event stream. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** Error bodies of the VM's 4xx answers. */
export const VmErrorBodySchema = z.object({
  error: z.enum([
    "unauthorized",
    "bad_request",
    "unknown_run",
    "run_finished",
    "user_mismatch",
    "unknown_workspace",
    "workspace_busy",
    "unknown_approval", // no such approval_request in this run (404)
    "approval_settled", // that approval_request was already answered, timed out, or denied when its run ended (409)
    "unknown_file", // no such staged file of this run, or it was removed after the run ended (404)
    "nothing_to_undo", // no run of the workspace changed files that is not undone already (409)
    "nothing_to_redo", // no undo of the workspace to take back, or a run changed files since (409)
    "user_busy", // an archive, restore or removal of a user while a run of theirs is open (409)
    "user_has_data", // a restore over data of the user's that is not this archive's (409)
    "unknown_part", // no such prepared archive part (404)
    "unknown_port", // a preview's port that no process of that user's conversation listens on, or the VM's own (404)
    "no_preview", // /shot of a conversation with no kept preview server and not exactly one listening port (404)
    "shot_failed", // /shot's page did not load or draw in time (503)
  ]),
  message: z.optional(z.string()),
});
export type VmErrorBody = z.infer<typeof VmErrorBodySchema>;

/** The content type of event streams: one JSON object per line. */
export const EVENT_STREAM_CONTENT_TYPE = "application/x-ndjson";
