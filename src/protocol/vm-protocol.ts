// The relay-to-VM protocol: the one source of truth for both sides (the Durable Object and
// `vm/`). Every request and event crossing the wire is parsed with these schemas.
// Prose description, sequence diagrams and failure cases: docs/protocol.md.
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
  /** `POST` a `ShipRequest`: commits, pushes and opens or updates the pull request (`ShipDone`). */
  workspaceShip: (workspace: string, userId: string) => `/v1/workspaces/${encodeURIComponent(workspace)}/ship?userId=${encodeURIComponent(userId)}`,
} as const;

/**
 * The answer of `VM_ROUTES.githubPermission`: GitHub's `permission` (its collaborator permission
 * API), or null when GitHub did not say (no GITHUB_TOKEN, a repository or user it does not show,
 * GitHub unreachable). Only write, maintain and admin may ask for a run.
 */
export const GithubPermissionSchema = z.object({ permission: z.nullable(z.enum(["admin", "maintain", "write", "triage", "read", "none"])) });
export type GithubPermission = z.infer<typeof GithubPermissionSchema>;
/** A GitHub login, and `owner/name` (never `.` or `..`, which a URL would resolve away), as the permission route takes them. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
export const GITHUB_REPO = /^(?!\.{1,2}\/)[A-Za-z0-9_.-]{1,100}\/(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$/;

/** The VM sends a heartbeat line at least this often on every open event stream. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

const IdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, "ids are 1-80 of [A-Za-z0-9_-]"));

/** WhatsApp's kinds of media, as the relay classifies an attachment after sniffing its bytes. */
const AttachmentKindSchema = z.enum(["image", "audio", "video", "document"]);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

/**
 * The only extensions an inbox file may get: the VM names each file `inbox/<yyyy-mm-dd>-<id>.<ext>`
 * from a random id and one of these, never from anything the sender named. `bin`: a document of
 * any other type.
 */
const ATTACHMENT_EXTENSIONS = [
  "jpg", "png", "webp", "gif", "heic",
  "ogg", "opus", "mp3", "m4a", "aac", "amr", "wav",
  "mp4", "3gp", "mov",
  "pdf", "txt", "csv", "json", "md", "rtf", "vcf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "zip", "bin",
] as const;
export const AttachmentExtSchema = z.enum(ATTACHMENT_EXTENSIONS);
type AttachmentExt = z.infer<typeof AttachmentExtSchema>;

/** The extension for a content type (its parameters ignored): what the relay should send as `ext`. */
const EXTENSION_OF_TYPE: Record<string, AttachmentExt> = {
  "image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/heic": "heic",
  "audio/ogg": "ogg", "audio/opus": "opus", "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mp4": "m4a", "audio/x-m4a": "m4a",
  "audio/aac": "aac", "audio/amr": "amr", "audio/wav": "wav", "audio/x-wav": "wav",
  "video/mp4": "mp4", "video/3gpp": "3gp", "video/quicktime": "mov",
  "application/pdf": "pdf", "text/plain": "txt", "text/csv": "csv", "application/json": "json", "text/markdown": "md",
  "application/rtf": "rtf", "text/rtf": "rtf", "text/vcard": "vcf", "text/x-vcard": "vcf",
  "application/msword": "doc", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.ms-powerpoint": "ppt", "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods",
  "application/vnd.oasis.opendocument.presentation": "odp", "application/zip": "zip",
};
export function attachmentExtOf(contentType: string): AttachmentExt {
  return EXTENSION_OF_TYPE[contentType.split(";")[0]?.trim().toLowerCase() ?? ""] ?? "bin";
}

/** At most this many attachments per message (Twilio's `NumMedia` goes up to 10). */
const MAX_ATTACHMENTS = 10;
/** No attachment is larger (WhatsApp's documents: 100 MB); the relay applies its own per-kind limits first. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

/**
 * A file the user sent, fetched and stored by the relay: the VM downloads it from `url` (the
 * relay's signed, expiring `GET /media/<token>`, never Twilio's) into the conversation's project.
 */
export const AttachmentSchema = z.object({
  /** https in production; http for a local stack. Fetched without credentials: the token is the link. */
  url: z.url({ protocol: /^https?$/ }).check(z.maxLength(2048)),
  /** As the relay found it (`image/png`, `audio/ogg; codecs=opus`); shown to the agent as is. */
  contentType: z.string().check(z.minLength(3), z.maxLength(200), z.regex(/^[\x20-\x7e]+$/, "printable ASCII")),
  /** The stored object's exact size: the VM refuses a download that is longer or shorter. */
  size: z.number().check(z.int(), z.positive(), z.lte(MAX_ATTACHMENT_BYTES)),
  kind: AttachmentKindSchema,
  ext: AttachmentExtSchema,
  /** Text that belongs to this attachment, placed right after its line. */
  caption: z.optional(z.string().check(z.maxLength(4096))),
  /** A voice note's transcript as the relay words it ("(voice note, 0:12) fix the test"): passed through. */
  transcript: z.optional(z.string().check(z.maxLength(8192))),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const InputMessageSchema = z
  .object({
    /** The relay's id for this message (the Twilio MessageSid, or a schedule run id). */
    id: IdSchema,
    /** Empty only when the message has attachments (a picture without a caption). */
    text: z.string().check(z.maxLength(64 * 1024)),
    /** Saved into the project's `inbox/` before the turn is written; the agent reads one line for each. */
    attachments: z.optional(z.array(AttachmentSchema).check(z.maxLength(MAX_ATTACHMENTS))),
  })
  .check(
    z.refine((message) => message.text.length > 0 || (message.attachments?.length ?? 0) > 0, {
      message: "text is empty and the message has no attachments",
      path: ["text"],
    }),
  );
export type InputMessage = z.infer<typeof InputMessageSchema>;

/**
 * A conversation's project directory, named by the relay with an id that survives renames.
 * "main" is the directory every user had before conversations (its sessions still resume).
 */
export const WorkspaceIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "workspace ids are 1-40 of [a-z0-9_-], starting with a letter or digit"));
export const MAIN_WORKSPACE = "main";

/** Who the agent's commits are from: git's `user.name` and `user.email`, and the GIT_AUTHOR_ and GIT_COMMITTER_ variables. */
export const GitIdentitySchema = z.object({
  /** No control characters and no `<>`: git's own ident syntax. */
  name: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[^\x00-\x1f\x7f<>]+$/, "a name without control characters or <>")),
  email: z.string().check(z.maxLength(200), z.regex(/^[^\s@<>"\\]+@[^\s@<>"\\]+\.[^\s@<>"\\]+$/, "a plausible email address")),
});
export type GitIdentity = z.infer<typeof GitIdentitySchema>;

/** The longest `keepWarmMs` the relay may ask for. */
const MAX_KEEP_WARM_MS = 6 * 60 * 60 * 1000;

const PermissionModeSchema = z.enum(["default", "acceptEdits", "bypassPermissions", "plan"]);

/** The relay's default for `approvals.timeoutMs` (its APPROVAL_TIMEOUT_MS). */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 600_000;
export const MAX_APPROVAL_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * Ask the relay before the agent acts. `edits`: the CLI's `acceptEdits` (file edits in the
 * workspace and plain file commands go ahead; other commands ask); `on`: its `default` (every
 * action that is not read-only asks). Each question is an `approval_request` event.
 */
const ApprovalsOptionSchema = z.object({
  mode: z.enum(["edits", "on"]),
  /** An unanswered request is denied after this long (the agent is told it was not approved in time). */
  timeoutMs: z._default(z.number().check(z.int(), z.positive(), z.lte(MAX_APPROVAL_TIMEOUT_MS)), DEFAULT_APPROVAL_TIMEOUT_MS),
  /**
   * The run's input is someone else's text (a GitHub event, a trigger's caller): every action that
   * is not read-only asks (`default`, whatever `mode` says), the user's "always" rules are not
   * given to the CLI, and no answer may remember a rule.
   */
  untrusted: z.optional(z.boolean()),
});
export type ApprovalsOption = z.infer<typeof ApprovalsOptionSchema>;

export const RunOptionsSchema = z.object({
  permissionMode: z._default(PermissionModeSchema, "bypassPermissions"),
  /** Appended to Claude Code's system prompt (`--append-system-prompt`). */
  appendSystemPrompt: z.optional(z.string().check(z.maxLength(16 * 1024))),
  /** Hard limit on the run's wall time; the VM applies its own maximum too. */
  timeLimitMs: z.optional(z.number().check(z.int(), z.positive(), z.lte(6 * 60 * 60 * 1000))),
  /** Offer the schedule tools (MCP) to the agent for this run. */
  scheduleTools: z._default(z.boolean(), false),
  /**
   * Deep mode: after this run, keep the user's CLI process warm this long instead of the VM's
   * WARM_SESSION_MS (0: let it exit at once). Renewed by every run that carries it.
   */
  keepWarmMs: z.optional(z.number().check(z.int(), z.gte(0), z.lte(MAX_KEEP_WARM_MS))),
  /**
   * Approvals from the phone. Absent: `permissionMode` as given and nothing is asked. Present:
   * the VM runs the CLI in the mode that fits (`permissionMode` is then ignored) and asks the
   * relay through `approval_request` events.
   */
  approvals: z.optional(ApprovalsOptionSchema),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** `POST /v1/runs`. Idempotent by `runId`: repeating it never starts a second run. */
export const StartRunRequestSchema = z.object({
  runId: IdSchema,
  /** The user's stable id (E.164 phone). The VM hashes it into a directory name. */
  userId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** Claude Code session to resume; null starts a fresh session. */
  sessionId: z.nullable(z.string().check(z.minLength(1), z.maxLength(128))),
  /** Sent as one user turn, in order. */
  messages: z.array(InputMessageSchema).check(z.minLength(1), z.maxLength(10)),
  options: z._default(RunOptionsSchema, { permissionMode: "bypassPermissions", scheduleTools: false }),
  /** The conversation's project directory: the CLI's working directory, where its sessions live. */
  workspace: z._default(WorkspaceIdSchema, MAIN_WORKSPACE),
  /** The agent's git identity for this run; without it git's own defaults apply. */
  gitIdentity: z.optional(GitIdentitySchema),
});
export type StartRunRequest = z.infer<typeof StartRunRequestSchema>;
export type StartRunRequestInput = z.input<typeof StartRunRequestSchema>;

/** `POST /v1/runs/:runId/input`: one more user turn for a live run. */
export const RunInputRequestSchema = z.object({
  messages: z.array(InputMessageSchema).check(z.minLength(1), z.maxLength(10)),
});

/** `POST /v1/runs/:runId/tool-result`: the relay's answer to a `tool_call` event. */
export const ToolResultRequestSchema = z.object({
  callId: IdSchema,
  ok: z.boolean(),
  /** One or a few lines the agent reads back (a confirmation or a one-line refusal). */
  text: z.string().check(z.maxLength(8 * 1024)),
});
export type ToolResultRequest = z.infer<typeof ToolResultRequestSchema>;

/** A Claude Code permission rule: `Bash`, `Bash(npm test:*)`, `Edit(src/**)`, `mcp__server__tool`. */
export const PERMISSION_RULE = /^([A-Za-z][A-Za-z0-9_-]*)(?:\(([^()\x00-\x1f\x7f]+)\))?$/;
const PermissionRuleSchema = z.string().check(z.maxLength(300), z.regex(PERMISSION_RULE, "a Claude Code permission rule such as Bash(npm test:*)"));

/** `POST /v1/runs/:runId/approval`: the relay's answer to an `approval_request` event. */
export const ApprovalAnswerRequestSchema = z.object({
  requestId: IdSchema,
  decision: z.enum(["allow", "deny"]),
  /** With `deny`: what the agent is told (default: the user declined). */
  message: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
  /**
   * With `allow` ("always"): a rule for the request's own tool, added to the user's rules file
   * for the workspace (kept by the VM, out of the agent's reach) before the action goes ahead; the
   * agent then stops asking for what it matches, in this process and later ones.
   */
  remember: z.optional(PermissionRuleSchema),
});
export type ApprovalAnswerRequest = z.infer<typeof ApprovalAnswerRequestSchema>;

/**
 * What the relay can send on WhatsApp through Twilio, by content type: its kind and largest size.
 * Twilio's "Guidance on WhatsApp media messages": a message up to 16 MB, images up to 5 MB; images
 * JPEG and PNG (WebP is for stickers only); audio OGG (Opus only), AMR, 3GP, AAC, MPEG (and MP4
 * audio, in Meta's list); video MP4 (H.264 and AAC) and 3GP; documents PDF, DOC, DOCX, PPTX, XLSX;
 * contacts vCard. Sizes in decimal megabytes, the safe reading of "MB". `send_file` stages nothing else.
 */
export const WHATSAPP_OUTBOUND_MEDIA = {
  "image/jpeg": { kind: "image", maxBytes: 5_000_000 },
  "image/png": { kind: "image", maxBytes: 5_000_000 },
  "audio/ogg": { kind: "audio", maxBytes: 16_000_000 },
  "audio/mpeg": { kind: "audio", maxBytes: 16_000_000 },
  "audio/mp4": { kind: "audio", maxBytes: 16_000_000 },
  "audio/aac": { kind: "audio", maxBytes: 16_000_000 },
  "audio/amr": { kind: "audio", maxBytes: 16_000_000 },
  "video/mp4": { kind: "video", maxBytes: 16_000_000 },
  "video/3gpp": { kind: "video", maxBytes: 16_000_000 },
  "application/pdf": { kind: "document", maxBytes: 16_000_000 },
  "application/msword": { kind: "document", maxBytes: 16_000_000 },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { kind: "document", maxBytes: 16_000_000 },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { kind: "document", maxBytes: 16_000_000 },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { kind: "document", maxBytes: 16_000_000 },
  "text/vcard": { kind: "document", maxBytes: 16_000_000 },
} as const satisfies Record<string, { kind: AttachmentKind; maxBytes: number }>;
export type OutboundContentType = keyof typeof WHATSAPP_OUTBOUND_MEDIA;
const OutboundContentTypeSchema = z.enum(Object.keys(WHATSAPP_OUTBOUND_MEDIA) as [OutboundContentType, ...OutboundContentType[]]);

/** The longest caption `send_file` takes: WhatsApp's limit for a media caption. */
export const MAX_CAPTION_CHARS = 1024;

/**
 * The `args` of a `tool_call` named `send_file`, as the VM emits it after it checked and staged the
 * file (the agent's own arguments, a path and a caption, never reach the relay). Fetch the bytes
 * with `GET VM_ROUTES.runFile(runId, fileId)` before answering the call.
 */
export const SendFileCallArgsSchema = z.object({
  fileId: IdSchema,
  /** The file's own name in the project (no directory), for the user to see. */
  name: z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^[^/\x00-\x1f\x7f]+$/, "a file name without / or control characters")),
  /** Sniffed from the bytes, not taken from the name. */
  contentType: OutboundContentTypeSchema,
  size: z.number().check(z.int(), z.positive(), z.lte(16_000_000)),
  caption: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CAPTION_CHARS))),
});
export type SendFileCallArgs = z.infer<typeof SendFileCallArgsSchema>;

/** The longest `input` of an `approval_request`, as JSON: longer strings are cut (ending with "…"). */
export const APPROVAL_INPUT_MAX_CHARS = 8 * 1024;

const RunErrorCodeSchema = z.enum([
  "auth_failed", // the CLI could not authenticate with Anthropic: not retryable
  "misconfigured", // the VM cannot run its CLI (missing, refuses to start): not retryable
  "unknown_session", // --resume named a session this user does not have
  "cli_crashed", // the CLI exited without a result
  "time_limit", // the run exceeded its time limit and was stopped
  "cancelled", // cancelled through /cancel
  "vm_restarted", // the VM stopped (SIGTERM, crash) while the run was live
  "busy", // the VM refuses a second concurrent run for the same user
  "model_limit", // the model refused for a usage or rate limit: `resetsAt` when it said when it lifts
  "model_unavailable", // the model stayed overloaded or failing (5xx) through the CLI's own retries
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
  "missing_capabilities", // the machine does not let the VM (root) switch to its agents' uids or read their files
]);
export type ConfigProblemReason = z.infer<typeof ConfigProblemReasonSchema>;

const Seq = z.number().check(z.int(), z.positive());

/** A run's diff is cut at 2 MiB of UTF-8 (with a note line); the schema leaves room for the note. */
export const RUN_DIFF_MAX_CHARS = 2 * 1024 * 1024 + 200;

/** One file a run changed (renames show as a deletion and an addition). */
export const RunChangeFileSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(4096)),
  status: z.enum(["added", "modified", "deleted"]),
  insertions: z.number().check(z.int(), z.nonnegative()),
  deletions: z.number().check(z.int(), z.nonnegative()),
  /** Git saw binary content: no line counts. */
  binary: z.optional(z.literal(true)),
});
export type RunChangeFile = z.infer<typeof RunChangeFileSchema>;

/** The diff's HTML is cut at this many of its lines (with a note counting the rest): the page stays light. */
export const DIFF_HTML_MAX_LINES = 3_000;
export const DIFF_HTML_MAX_CHARS = 2 * 1024 * 1024;
/**
 * Markup the diff's HTML may hold: diff2html's own elements and attributes only. Code and file
 * names are text (`&lt;`), so any other tag or attribute (a script, a handler, a style, a link) is
 * not diff2html's work and the HTML is refused. The Worker puts it in the page as it is.
 */
const DIFF_HTML_TAG = /<\/?([A-Za-z][A-Za-z0-9-]*)((?:\s+[a-z][a-z0-9-]*(?:="[^"<>]*")?)*)\s*\/?>|</g;
const DIFF_HTML_ELEMENTS = new Set(["div", "span", "table", "tbody", "tr", "td", "del", "ins", "p"]);
const DIFF_HTML_ATTRIBUTES = new Set(["class", "id", "data-lang"]);
/** Whether `html` holds only that markup (text between tags is not looked at: it cannot hold a `<`). */
export function isSafeDiffHtml(html: string): boolean {
  for (const m of html.matchAll(DIFF_HTML_TAG)) {
    if (!m[1] || !DIFF_HTML_ELEMENTS.has(m[1].toLowerCase())) return false;
    for (const a of (m[2] ?? "").matchAll(/([a-z][a-z0-9-]*)(?:="[^"]*")?/g)) if (!DIFF_HTML_ATTRIBUTES.has(a[1]!)) return false;
  }
  return true;
}
export const DiffHtmlSchema = z.string().check(z.maxLength(DIFF_HTML_MAX_CHARS), z.refine(isSafeDiffHtml, "markup diff2html does not make"));

/**
 * What a run changed in its workspace, between the VM's checkpoints before and after it (present
 * only when it changed files). `diff`: the unified diff, the VM's secrets redacted, `.env`-like
 * files shown as the keys that changed (never values), cut at 2 MiB with a note (`truncated`).
 * Files over 1 MiB and ignored files are not in it (`oversized`: files recorded by size only).
 */
export const RunChangeSchema = z.object({
  files: z.array(RunChangeFileSchema).check(z.maxLength(10_000)),
  diff: z.string().check(z.maxLength(RUN_DIFF_MAX_CHARS)),
  truncated: z.boolean(),
  oversized: z.optional(z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(1000))),
  /** The same diff as HTML for the private page (`DiffHtmlSchema`); one that fails it is dropped, never the event. */
  diffHtml: z.catch(z.optional(DiffHtmlSchema), undefined),
});
export type RunChange = z.infer<typeof RunChangeSchema>;

/**
 * One tool call of a run as the page shows it: the CLI's tool name and a short input, the VM's
 * secrets redacted. `notApproved`: the user said no (or did not answer in time, or the run ended
 * first), so it did not run.
 */
const RunToolCallSchema = z.object({ tool: z.string().check(z.minLength(1), z.maxLength(200)), input: z.string().check(z.maxLength(300)), notApproved: z.optional(z.literal(true)) });
export type RunToolCall = z.infer<typeof RunToolCallSchema>;
/** A run keeps this many tool calls (the first), and counts the rest in `more`. */
export const MAX_RUN_TOOL_CALLS = 100;
export const RunToolCallsSchema = z.object({ calls: z.array(RunToolCallSchema).check(z.maxLength(MAX_RUN_TOOL_CALLS)), more: z.number().check(z.int(), z.nonnegative()) });
export type RunToolCalls = z.infer<typeof RunToolCallsSchema>;
/** On terminal events: a list that fails its schema is dropped (the run is recorded without it), never the event. */
const TerminalToolCallsSchema = z.catch(z.optional(RunToolCallsSchema), undefined);

const RunEventSchema = z.discriminatedUnion("type", [
  /** The CLI's `init` event: store it at once, so an interrupted run still resumes. */
  z.object({ seq: Seq, type: z.literal("session"), sessionId: z.string().check(z.minLength(1)) }),
  /** Something worth a short line ("Running: npm test"). Never the model's private text. */
  z.object({ seq: Seq, type: z.literal("progress"), text: z.string().check(z.maxLength(500)) }),
  /** One answered user turn. `messageIds` are the input messages that turn consumed. */
  z.object({
    seq: Seq,
    type: z.literal("result"),
    messageIds: z.array(IdSchema),
    text: z.string(),
    isError: z.boolean(),
    subtype: z.string(),
    costUsd: z.number().check(z.nonnegative()),
    numTurns: z.number().check(z.int(), z.nonnegative()),
    durationMs: z.number().check(z.int(), z.nonnegative()),
    sessionId: z.string().check(z.minLength(1)),
  }),
  /** Input the CLI never read before it exited: the relay queues these again. */
  z.object({ seq: Seq, type: z.literal("unconsumed"), messageIds: z.array(IdSchema).check(z.minLength(1)) }),
  /** The agent called a relay tool (schedules); answer with POST …/tool-result. */
  z.object({
    seq: Seq,
    type: z.literal("tool_call"),
    callId: IdSchema,
    name: z.string().check(z.minLength(1), z.maxLength(64)),
    args: z.record(z.string(), z.unknown()),
  }),
  /** Terminal: every turn of the run was answered. `change`: the files it changed, when it changed any. */
  z.object({ seq: Seq, type: z.literal("done"), change: z.optional(RunChangeSchema), toolCalls: TerminalToolCallsSchema }),
  /** Terminal: the run ended without answering every turn. */
  z.object({
    seq: Seq,
    type: z.literal("error"),
    code: RunErrorCodeSchema,
    message: z.string().check(z.maxLength(2000)),
    /** With `misconfigured` and (when the VM knows) `auth_failed`. */
    reason: z.optional(ConfigProblemReasonSchema),
    /** With `model_limit`, when the model said: the epoch milliseconds at which the limit lifts. */
    resetsAt: z.optional(z.number().check(z.int(), z.positive())),
    /** With `model_limit`: which limit, in the model's own words (`five_hour`, `seven_day`), when it said. */
    limit: z.optional(z.string().check(z.regex(/^[a-z0-9_]{1,40}$/))),
    /** The files it changed before it ended, when it changed any (as on `done`). */
    change: z.optional(RunChangeSchema),
    /** Its tool calls, when it made any (as on `done`). */
    toolCalls: TerminalToolCallsSchema,
  }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;

/**
 * The agent asks before it acts (runs with `options.approvals` only); answer with POST …/approval.
 * `tool`: the CLI's tool name (`Bash`, `Write`, `mcp__server__tool`); `input`: its input,
 * strings cut to fit APPROVAL_INPUT_MAX_CHARS and the VM's secrets replaced by "[redacted]";
 * `summary`: one line for the user ("Running: npm test").
 */
const ApprovalRequestEventSchema = z.object({
  seq: Seq,
  type: z.literal("approval_request"),
  requestId: IdSchema,
  tool: z.string().check(z.minLength(1), z.maxLength(200)),
  input: z.record(z.string(), z.unknown()).check(z.refine((input) => JSON.stringify(input).length <= APPROVAL_INPUT_MAX_CHARS, "input too large")),
  summary: z.optional(z.string().check(z.maxLength(500))),
});
export type ApprovalRequestEvent = z.infer<typeof ApprovalRequestEventSchema>;

/**
 * Every event a VM may send: `RunEventSchema`'s and `approval_request`. Kept apart so that a
 * relay that does not ask for approvals goes on handling exactly `RunEvent`; one that sends
 * `options.approvals` reads its streams with `VmStreamLineSchema`.
 */
export const VmRunEventSchema = z.discriminatedUnion("type", [...RunEventSchema.def.options, ApprovalRequestEventSchema]);
export type VmRunEvent = z.infer<typeof VmRunEventSchema>;

/** Not part of the sequence: keeps the stream (and Fly's proxy) alive; never stored. */
const HeartbeatSchema = z.object({ type: z.literal("heartbeat"), at: z.number() });

export const StreamLineSchema = z.union([RunEventSchema, HeartbeatSchema]);
/** A stream line of a run that may ask for approvals. */
export const VmStreamLineSchema = z.union([VmRunEventSchema, HeartbeatSchema]);
export type VmStreamLine = z.infer<typeof VmStreamLineSchema>;

export function isTerminal(event: VmRunEvent): boolean {
  return event.type === "done" || event.type === "error";
}

/**
 * `GET /health`. 200 `{ok: true}` when the VM can run an agent; 503 `{ok: false, missing}` when
 * something it found at start stops it (the names of settings or capabilities, never values).
 * A request with the token also gets `problem`: the configuration problem the VM knows of (its
 * startup checks, or what its runs found), or null.
 */
export const VmHealthSchema = z.object({
  ok: z.boolean(),
  missing: z.optional(z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20))),
  problem: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
});
export type VmHealth = z.infer<typeof VmHealthSchema>;

/** `POST /v1/workspaces`: create a user's workspace directory, optionally by cloning a repository. */
export const CreateWorkspaceRequestSchema = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(64)),
  workspace: WorkspaceIdSchema,
  /** `url`: https:// or scp-like `git@host:owner/repo.git` (the VM's clone policy, docs/vm.md). */
  clone: z.optional(z.object({ url: z.string().check(z.minLength(1), z.maxLength(2048)), branch: z.optional(z.string().check(z.minLength(1), z.maxLength(255))) })),
});
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequestSchema>;

/** 201 when created, 200 when it was already there (empty, or a clone of the same URL). */
export const WorkspaceCreatedSchema = z.object({
  workspace: WorkspaceIdSchema,
  /** The checked-out branch; null when HEAD is detached or the directory is not a repository. */
  branch: z.nullable(z.string()),
  /** Files tracked by git (`git ls-files`); 0 for a directory that is not a repository. */
  files: z.number().check(z.int(), z.nonnegative()),
  ms: z.number().check(z.int(), z.nonnegative()),
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
  message: z.string().check(z.maxLength(300)),
});
export type WorkspaceError = z.infer<typeof WorkspaceErrorSchema>;

/** `DELETE /v1/workspaces/:workspace?userId=…`: 200. */
export const WorkspaceDeletedSchema = z.object({ workspace: WorkspaceIdSchema, deleted: z.literal(true) });
export type WorkspaceDeleted = z.infer<typeof WorkspaceDeletedSchema>;

/**
 * `GET /v1/workspaces/:workspace/approval-rules?userId=…` (`VM_ROUTES.approvalRules`): 200, the
 * workspace's allow rules (the user's "always" answers, in the VM's own rules file for it, never a
 * file the agent could write), in the file's order. 404 `unknown_workspace`.
 */
export const ApprovalRulesSchema = z.object({ workspace: WorkspaceIdSchema, rules: z.array(z.string()) });
export type ApprovalRules = z.infer<typeof ApprovalRulesSchema>;

/** `DELETE` of the same path: 200, every allow rule removed (the file is emptied). 404 `unknown_workspace`. */
export const ApprovalRulesRemovedSchema = z.object({ workspace: WorkspaceIdSchema, removed: z.array(z.string()) });
export type ApprovalRulesRemoved = z.infer<typeof ApprovalRulesRemovedSchema>;

/**
 * `POST VM_ROUTES.workspaceUndo` / `workspaceRedo`: 200. `runId`: the run whose change was taken
 * back (undo) or put back (redo); `files`: the files that changed on disk by this step;
 * `cannotRestore`: what it left as it is (oversized or ignored files, commits and pushes).
 * 404 `unknown_workspace`; 409 `workspace_busy` (a run is live there, named in `message`) or
 * `nothing_to_undo` / `nothing_to_redo`.
 */
export const CheckpointRestoredSchema = z.object({
  workspace: WorkspaceIdSchema,
  runId: IdSchema,
  files: z.array(RunChangeFileSchema),
  cannotRestore: z.array(z.string().check(z.maxLength(500))),
});
export type CheckpointRestored = z.infer<typeof CheckpointRestoredSchema>;

/** One run of the conversation since its pull request began, as the relay knows it: for the commit and the PR text. */
export const ShipRunSchema = z.object({
  /** The first words of the message that started it. */
  asked: z.string().check(z.minLength(1), z.maxLength(200)),
  /** The agent's reply, cut: where it says how the work was checked. */
  said: z.optional(z.string().check(z.maxLength(4000))),
});
export type ShipRun = z.infer<typeof ShipRunSchema>;

const BranchNameSchema = z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, "a branch name"));

const ShaSchema = z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/));

/**
 * What the user was shown and agreed to (the preview's `repo`, `branch`, `head` and `tree`): a
 * ship is refused, naming what changed, when any of them is not what it would push now.
 */
export const ShipExpectedSchema = z.object({
  repo: z.string().check(z.minLength(1), z.maxLength(200)),
  branch: BranchNameSchema,
  head: z.nullable(ShaSchema),
  tree: ShaSchema,
});
export type ShipExpected = z.infer<typeof ShipExpectedSchema>;

/**
 * `POST VM_ROUTES.workspaceShipPreview` and `workspaceShip`. `pull`: the conversation's open pull
 * request the relay knows of (a later /ship updates it); `usedBranches`: branches of its pull
 * requests closed or merged (never pushed to again); `expected`: on a ship, the preview the user
 * agreed to.
 */
export const ShipRequestSchema = z.object({
  /** The conversation's name as the user knows it: its branch is `agent/<name>` (the workspace id without it). */
  conversation: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  pull: z.optional(z.nullable(z.object({ number: z.number().check(z.int(), z.positive()), branch: BranchNameSchema }))),
  usedBranches: z.optional(z.array(BranchNameSchema).check(z.maxLength(100))),
  runs: z.optional(z.array(ShipRunSchema).check(z.maxLength(50))),
  gitIdentity: z.optional(GitIdentitySchema),
  expected: z.optional(ShipExpectedSchema),
});
export type ShipRequest = z.infer<typeof ShipRequestSchema>;

const PullClosedSchema = z.object({ number: z.number().check(z.int(), z.positive()), merged: z.boolean() });

/** What a /ship would do: `repo` (`owner/name`), the branch pushed to, the counts against what that branch (or the base) has. */
const SHIP_COUNTS = {
  repo: z.string(),
  branch: BranchNameSchema,
  base: BranchNameSchema,
  files: z.number().check(z.int(), z.nonnegative()),
  insertions: z.number().check(z.int(), z.nonnegative()),
  deletions: z.number().check(z.int(), z.nonnegative()),
};
export const ShipPlanSchema = z.object({
  ...SHIP_COUNTS,
  /** The open pull request it updates; null: it opens one. */
  pull: z.nullable(z.object({ number: z.number().check(z.int(), z.positive()), url: z.string() })),
  /** The conversation's pull request that was closed or merged meanwhile (its branch is not reused). */
  closed: z.nullable(PullClosedSchema),
  /** The workspace's commit (null: none yet) and the tree of its files that a ship would push on it: what the user agrees to. */
  head: z.nullable(ShaSchema),
  tree: ShaSchema,
});
export type ShipPlan = z.infer<typeof ShipPlanSchema>;

/** A /ship done: pushed, and the pull request opened (`created`), adopted (GitHub's 422: one was open for the branch) or updated. */
export const ShipDoneSchema = z.object({
  ...SHIP_COUNTS,
  headSha: ShaSchema,
  pull: z.object({ number: z.number().check(z.int(), z.positive()), url: z.string(), title: z.string() }),
  how: z.enum(["created", "adopted", "updated"]),
  closed: z.nullable(PullClosedSchema),
});
export type ShipDone = z.infer<typeof ShipDoneSchema>;

export const ShipRefusalReasonSchema = z.enum([
  "no_github_remote", // the workspace is not a clone of a repository on GITHUB_URL, or the VM has no GITHUB_TOKEN
  "nothing_to_ship", // nothing differs from what the branch (or the base) has
  "push_protected", // GitHub refused the push: a protected branch
  "push_non_fast_forward", // the branch moved on GitHub meanwhile
  "push_no_permission", // the token may not push to the repository
  "push_failed", // any other refused push
  "token_scope", // the token cannot see the repository or open pull requests (401, 403, 404)
  "pull_failed", // GitHub refused the pull request otherwise
  "preview_changed", // the repository, branch, commit or files differ from the preview the user agreed to
  "pull_not_ours", // GitHub has an open pull request for the branch that the relay did not open: never adopted
]);
export type ShipRefusalReason = z.infer<typeof ShipRefusalReasonSchema>;

/** 422 of a /ship or its preview that did nothing on GitHub (or pushed and then could not open the pull request: `pushed`). */
export const ShipRefusalSchema = z.object({
  error: z.literal("ship_refused"),
  reason: ShipRefusalReasonSchema,
  /** One short line for the user; never credentials. */
  message: z.string().check(z.maxLength(500)),
  pushed: z.optional(z.boolean()),
});
export type ShipRefusal = z.infer<typeof ShipRefusalSchema>;

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
  ]),
  message: z.optional(z.string()),
});
export type VmErrorBody = z.infer<typeof VmErrorBodySchema>;

/** The content type of event streams: one JSON object per line. */
export const EVENT_STREAM_CONTENT_TYPE = "application/x-ndjson";
