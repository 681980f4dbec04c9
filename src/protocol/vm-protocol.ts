// The relay-to-VM protocol: the one source of truth for both sides (the Durable Object and
// `vm/`). Every request and event crossing the wire is parsed with these schemas.
// Prose description, sequence diagrams and failure cases: docs/protocol.md.
import * as z from "zod";

/** Routes on the VM. All but HEALTH need `Authorization: Bearer <VM_TOKEN>`. */
export const VM_ROUTES = {
  health: "/health",
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
} as const;

/** The VM sends a heartbeat line at least this often on every open event stream. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, "ids are 1-80 of [A-Za-z0-9_-]");

export const InputMessageSchema = z.object({
  /** The relay's id for this message (the Twilio MessageSid, or a schedule run id). */
  id: IdSchema,
  text: z.string().min(1).max(64 * 1024),
});
export type InputMessage = z.infer<typeof InputMessageSchema>;

/**
 * A conversation's project directory, named by the relay with an id that survives renames.
 * "main" is the directory every user had before conversations (its sessions still resume).
 */
export const WorkspaceIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "workspace ids are 1-40 of [a-z0-9_-], starting with a letter or digit");
export type WorkspaceId = z.infer<typeof WorkspaceIdSchema>;
export const MAIN_WORKSPACE = "main";

/** Who the agent's commits are from: git's `user.name` and `user.email`, and the GIT_AUTHOR_ and GIT_COMMITTER_ variables. */
export const GitIdentitySchema = z.object({
  /** No control characters and no `<>`: git's own ident syntax. */
  name: z.string().min(1).max(100).regex(/^[^\x00-\x1f\x7f<>]+$/, "a name without control characters or <>"),
  email: z.string().max(200).regex(/^[^\s@<>"\\]+@[^\s@<>"\\]+\.[^\s@<>"\\]+$/, "a plausible email address"),
});
export type GitIdentity = z.infer<typeof GitIdentitySchema>;

/** The longest `keepWarmMs` the relay may ask for. */
export const MAX_KEEP_WARM_MS = 6 * 60 * 60 * 1000;

export const PermissionModeSchema = z.enum(["default", "acceptEdits", "bypassPermissions", "plan"]);

/** The relay's default for `approvals.timeoutMs` (its APPROVAL_TIMEOUT_MS). */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 600_000;
export const MAX_APPROVAL_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * Ask the relay before the agent acts. `edits`: the CLI's `acceptEdits` (file edits in the
 * workspace and plain file commands go ahead; other commands ask); `on`: its `default` (every
 * action that is not read-only asks). Each question is an `approval_request` event.
 */
export const ApprovalsOptionSchema = z.object({
  mode: z.enum(["edits", "on"]),
  /** An unanswered request is denied after this long (the agent is told it was not approved in time). */
  timeoutMs: z.number().int().positive().max(MAX_APPROVAL_TIMEOUT_MS).default(DEFAULT_APPROVAL_TIMEOUT_MS),
});
export type ApprovalsOption = z.infer<typeof ApprovalsOptionSchema>;

export const RunOptionsSchema = z.object({
  permissionMode: PermissionModeSchema.default("bypassPermissions"),
  /** Appended to Claude Code's system prompt (`--append-system-prompt`). */
  appendSystemPrompt: z.string().max(16 * 1024).optional(),
  /** Hard limit on the run's wall time; the VM applies its own maximum too. */
  timeLimitMs: z.number().int().positive().max(6 * 60 * 60 * 1000).optional(),
  /** Offer the schedule tools (MCP) to the agent for this run. */
  scheduleTools: z.boolean().default(false),
  /**
   * Deep mode: after this run, keep the user's CLI process warm this long instead of the VM's
   * WARM_SESSION_MS (0: let it exit at once). Renewed by every run that carries it.
   */
  keepWarmMs: z.number().int().min(0).max(MAX_KEEP_WARM_MS).optional(),
  /**
   * Approvals from the phone. Absent: `permissionMode` as given and nothing is asked. Present:
   * the VM runs the CLI in the mode that fits (`permissionMode` is then ignored) and asks the
   * relay through `approval_request` events.
   */
  approvals: ApprovalsOptionSchema.optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** `POST /v1/runs`. Idempotent by `runId`: repeating it never starts a second run. */
export const StartRunRequestSchema = z.object({
  runId: IdSchema,
  /** The user's stable id (E.164 phone). The VM hashes it into a directory name. */
  userId: z.string().min(1).max(64),
  /** Claude Code session to resume; null starts a fresh session. */
  sessionId: z.string().min(1).max(128).nullable(),
  /** Sent as one user turn, in order. */
  messages: z.array(InputMessageSchema).min(1).max(10),
  options: RunOptionsSchema.default({ permissionMode: "bypassPermissions", scheduleTools: false }),
  /** The conversation's project directory: the CLI's working directory, where its sessions live. */
  workspace: WorkspaceIdSchema.default(MAIN_WORKSPACE),
  /** The agent's git identity for this run; without it git's own defaults apply. */
  gitIdentity: GitIdentitySchema.optional(),
});
export type StartRunRequest = z.infer<typeof StartRunRequestSchema>;
export type StartRunRequestInput = z.input<typeof StartRunRequestSchema>;

/** `POST /v1/runs/:runId/input`: one more user turn for a live run. */
export const RunInputRequestSchema = z.object({
  messages: z.array(InputMessageSchema).min(1).max(10),
});
export type RunInputRequest = z.infer<typeof RunInputRequestSchema>;

/** `POST /v1/runs/:runId/tool-result`: the relay's answer to a `tool_call` event. */
export const ToolResultRequestSchema = z.object({
  callId: IdSchema,
  ok: z.boolean(),
  /** One or a few lines the agent reads back (a confirmation or a one-line refusal). */
  text: z.string().max(8 * 1024),
});
export type ToolResultRequest = z.infer<typeof ToolResultRequestSchema>;

/** A Claude Code permission rule: `Bash`, `Bash(npm test:*)`, `Edit(src/**)`, `mcp__server__tool`. */
export const PERMISSION_RULE = /^([A-Za-z][A-Za-z0-9_-]*)(?:\(([^()\x00-\x1f\x7f]+)\))?$/;
export const PermissionRuleSchema = z.string().max(300).regex(PERMISSION_RULE, "a Claude Code permission rule such as Bash(npm test:*)");

/** `POST /v1/runs/:runId/approval`: the relay's answer to an `approval_request` event. */
export const ApprovalAnswerRequestSchema = z.object({
  requestId: IdSchema,
  decision: z.enum(["allow", "deny"]),
  /** With `deny`: what the agent is told (default: the user declined). */
  message: z.string().min(1).max(2000).optional(),
  /**
   * With `allow` ("always"): a rule for the request's own tool, added to the workspace's
   * `.claude/settings.local.json` `permissions.allow` before the action goes ahead; the agent
   * then stops asking for what it matches, in this process and later ones.
   */
  remember: PermissionRuleSchema.optional(),
});
export type ApprovalAnswerRequest = z.infer<typeof ApprovalAnswerRequestSchema>;

/** The longest `input` of an `approval_request`, as JSON: longer strings are cut (ending with "…"). */
export const APPROVAL_INPUT_MAX_CHARS = 8 * 1024;

export const RunErrorCodeSchema = z.enum([
  "auth_failed", // the CLI could not authenticate with Anthropic: not retryable
  "misconfigured", // the VM cannot run its CLI (missing, refuses to start): not retryable
  "unknown_session", // --resume named a session this user does not have
  "cli_crashed", // the CLI exited without a result
  "time_limit", // the run exceeded its time limit and was stopped
  "cancelled", // cancelled through /cancel
  "vm_restarted", // the VM stopped (SIGTERM, crash) while the run was live
  "busy", // the VM refuses a second concurrent run for the same user
]);
export type RunErrorCode = z.infer<typeof RunErrorCodeSchema>;

/**
 * What only the operator can fix, named for logs and machines (never shown to users): the
 * `reason` of `misconfigured` and `auth_failed` errors.
 */
export const ConfigProblemReasonSchema = z.enum([
  "cli_not_found", // CLAUDE_BIN (or the interpreter its #! line names) does not exist
  "cli_not_executable", // CLAUDE_BIN is a directory or lacks execute permission
  "cli_failed_to_start", // the CLI exited with an error before printing anything
  "root_without_sandbox", // the VM runs as root without IS_SANDBOX=1: bypassPermissions is refused
  "credentials_refused", // Anthropic answered 401
  "no_credentials", // the CLI has no Anthropic credentials at all
]);
export type ConfigProblemReason = z.infer<typeof ConfigProblemReasonSchema>;

const Seq = z.number().int().positive();

export const RunEventSchema = z.discriminatedUnion("type", [
  /** The CLI's `init` event: store it at once, so an interrupted run still resumes. */
  z.object({ seq: Seq, type: z.literal("session"), sessionId: z.string().min(1) }),
  /** Something worth a short line ("Running: npm test"). Never the model's private text. */
  z.object({ seq: Seq, type: z.literal("progress"), text: z.string().max(500) }),
  /** One answered user turn. `messageIds` are the input messages that turn consumed. */
  z.object({
    seq: Seq,
    type: z.literal("result"),
    messageIds: z.array(IdSchema),
    text: z.string(),
    isError: z.boolean(),
    subtype: z.string(),
    costUsd: z.number().nonnegative(),
    numTurns: z.number().int().nonnegative(),
    durationMs: z.number().int().nonnegative(),
    sessionId: z.string().min(1),
  }),
  /** Input the CLI never read before it exited: the relay queues these again. */
  z.object({ seq: Seq, type: z.literal("unconsumed"), messageIds: z.array(IdSchema).min(1) }),
  /** The agent called a relay tool (schedules); answer with POST …/tool-result. */
  z.object({
    seq: Seq,
    type: z.literal("tool_call"),
    callId: IdSchema,
    name: z.string().min(1).max(64),
    args: z.record(z.string(), z.unknown()),
  }),
  /** Terminal: every turn of the run was answered. */
  z.object({ seq: Seq, type: z.literal("done") }),
  /** Terminal: the run ended without answering every turn. */
  z.object({
    seq: Seq,
    type: z.literal("error"),
    code: RunErrorCodeSchema,
    message: z.string().max(2000),
    /** With `misconfigured` and (when the VM knows) `auth_failed`. */
    reason: ConfigProblemReasonSchema.optional(),
  }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;

/**
 * The agent asks before it acts (runs with `options.approvals` only); answer with POST …/approval.
 * `tool`: the CLI's tool name (`Bash`, `Write`, `mcp__server__tool`); `input`: its input,
 * strings cut to fit APPROVAL_INPUT_MAX_CHARS and the VM's secrets replaced by "[redacted]";
 * `summary`: one line for the user ("Running: npm test").
 */
export const ApprovalRequestEventSchema = z.object({
  seq: Seq,
  type: z.literal("approval_request"),
  requestId: IdSchema,
  tool: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()).refine((input) => JSON.stringify(input).length <= APPROVAL_INPUT_MAX_CHARS, "input too large"),
  summary: z.string().max(500).optional(),
});
export type ApprovalRequestEvent = z.infer<typeof ApprovalRequestEventSchema>;

/**
 * Every event a VM may send: `RunEventSchema`'s and `approval_request`. Kept apart so that a
 * relay that does not ask for approvals goes on handling exactly `RunEvent`; one that sends
 * `options.approvals` reads its streams with `VmStreamLineSchema`.
 */
export const VmRunEventSchema = z.discriminatedUnion("type", [...RunEventSchema.options, ApprovalRequestEventSchema]);
export type VmRunEvent = z.infer<typeof VmRunEventSchema>;

/** Not part of the sequence: keeps the stream (and Fly's proxy) alive; never stored. */
export const HeartbeatSchema = z.object({ type: z.literal("heartbeat"), at: z.number() });

export const StreamLineSchema = z.union([RunEventSchema, HeartbeatSchema]);
export type StreamLine = z.infer<typeof StreamLineSchema>;
/** A stream line of a run that may ask for approvals. */
export const VmStreamLineSchema = z.union([VmRunEventSchema, HeartbeatSchema]);
export type VmStreamLine = z.infer<typeof VmStreamLineSchema>;

export function isTerminal(event: VmRunEvent): boolean {
  return event.type === "done" || event.type === "error";
}

/**
 * `GET /health`. Anyone gets `{ok: true}`; a request with the token also gets `problem`: the
 * configuration problem the VM knows of (its startup check, or what its runs found), or null.
 */
export const VmHealthSchema = z.object({ ok: z.literal(true), problem: z.string().max(2000).nullable().optional() });
export type VmHealth = z.infer<typeof VmHealthSchema>;

/** `POST /v1/workspaces`: create a user's workspace directory, optionally by cloning a repository. */
export const CreateWorkspaceRequestSchema = z.object({
  userId: z.string().min(1).max(64),
  workspace: WorkspaceIdSchema,
  /** `url`: https:// or scp-like `git@host:owner/repo.git` (the VM's clone policy, docs/vm.md). */
  clone: z.object({ url: z.string().min(1).max(2048), branch: z.string().min(1).max(255).optional() }).optional(),
});
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequestSchema>;

/** 201 when created, 200 when it was already there (empty, or a clone of the same URL). */
export const WorkspaceCreatedSchema = z.object({
  workspace: WorkspaceIdSchema,
  /** The checked-out branch; null when HEAD is detached or the directory is not a repository. */
  branch: z.string().nullable(),
  /** Files tracked by git (`git ls-files`); 0 for a directory that is not a repository. */
  files: z.number().int().nonnegative(),
  ms: z.number().int().nonnegative(),
});
export type WorkspaceCreated = z.infer<typeof WorkspaceCreatedSchema>;

export const CloneFailureReasonSchema = z.enum([
  "url_refused", // the clone policy refused the URL or branch (400)
  "not_found", // no such repository or branch (422)
  "auth_refused", // the host wants credentials the VM does not have, or refused them (422)
  "network", // the host could not be reached (422)
  "too_large", // the clone grew past CLONE_MAX_MB and was stopped (422)
  "timeout", // the clone took longer than CLONE_TIMEOUT_MS and was stopped (422)
  "exists", // the workspace already holds something else, or is being cloned or deleted (409)
  "failed", // anything else git refused (422)
]);
export type CloneFailureReason = z.infer<typeof CloneFailureReasonSchema>;

/** The 4xx body of a create that did not happen; nothing is left on disk. */
export const WorkspaceErrorSchema = z.object({
  error: z.literal("clone_failed"),
  reason: CloneFailureReasonSchema,
  /** One short line for the user; never credentials, never git's raw output. */
  message: z.string().max(300),
});
export type WorkspaceError = z.infer<typeof WorkspaceErrorSchema>;

/** `DELETE /v1/workspaces/:workspace?userId=…`: 200. */
export const WorkspaceDeletedSchema = z.object({ workspace: WorkspaceIdSchema, deleted: z.literal(true) });
export type WorkspaceDeleted = z.infer<typeof WorkspaceDeletedSchema>;

/**
 * `GET /v1/workspaces/:workspace/approval-rules?userId=…` (`VM_ROUTES.approvalRules`): 200, the
 * workspace's allow rules (Claude Code's `permissions.allow` in `.claude/settings.local.json`: the
 * "always" answers, and any rule put there by other means), in the file's order. 404 `unknown_workspace`.
 */
export const ApprovalRulesSchema = z.object({ workspace: WorkspaceIdSchema, rules: z.array(z.string()) });
export type ApprovalRules = z.infer<typeof ApprovalRulesSchema>;

/** `DELETE` of the same path: 200, every allow rule removed (the rest of the file kept). 404 `unknown_workspace`. */
export const ApprovalRulesRemovedSchema = z.object({ workspace: WorkspaceIdSchema, removed: z.array(z.string()) });
export type ApprovalRulesRemoved = z.infer<typeof ApprovalRulesRemovedSchema>;

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
  ]),
  message: z.string().optional(),
});
export type VmErrorBody = z.infer<typeof VmErrorBodySchema>;

/** The content type of event streams: one JSON object per line. */
export const EVENT_STREAM_CONTENT_TYPE = "application/x-ndjson";
