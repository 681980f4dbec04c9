// A run: the relay's request and its further input, and the numbered events the VM streams back.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { ApprovalRequestEventSchema, ApprovalsOptionSchema } from "./approvals";
import { RunChangeSchema } from "./changes";
import { AttachmentSchema, MAX_ATTACHMENTS } from "./files";
import { ConfigProblemReasonSchema } from "./health";
import { IdSchema, Seq } from "./ids";
import { MAIN_WORKSPACE, WorkspaceIdSchema } from "./workspaces";

/**
 * The model key the local stack gives the VM for the project's offline model (scripts/stack/model-choice.ts):
 * a VM holding it knows its runs' replies are canned and cost nothing, whatever the CLI's price table says.
 */
export const OFFLINE_MODEL_KEY = "offline-model";

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

/** A model's alias or id as the CLI takes it: letters, digits and `.-_:[]@`, never an option. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@[\]-]{0,99}$/;
export const ModelNameSchema = z.string().check(z.regex(MODEL_NAME, "a model alias or id such as sonnet or claude-sonnet-4-5"));

/** The CLI's effort levels (`--effort`, observed with 2.1.330: docs/notes/cli-observations.md). */
export const EFFORT_LEVELS = ["low", "medium", "high", "xhigh", "max"] as const;
export const EffortSchema = z.enum(EFFORT_LEVELS);
export type Effort = z.infer<typeof EffortSchema>;

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
  /**
   * With a `sessionId`: the run works in a fork of that session (`--fork-session`), a new session
   * that starts from its history, and the session it names is left as it was. The run's `session`
   * and `result` events carry the fork's id. For a run of someone else's text (an event), whose
   * words must never enter the user's own session.
   */
  forkSession: z.optional(z.boolean()),
  /**
   * The conversation's model (`--model`): an alias the CLI knows (`opus`, `sonnet`, `haiku`,
   * `opusplan`, `sonnet[1m]`) or a model id. Absent: the CLI's default.
   */
  model: z.optional(ModelNameSchema),
  /** The conversation's effort (`--effort`). Absent: the CLI's default. */
  effort: z.optional(EffortSchema),
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
  "model_not_found", // the model the run named (`options.model`) is not one the account can use (404)
]);
export type RunErrorCode = z.infer<typeof RunErrorCodeSchema>;

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
    /** Answered by the project's offline model (the local stack with no credential): its `costUsd` is 0, and says why. */
    offlineModel: z.optional(z.boolean()),
    /** `costUsd` by the model that spent it (the CLI's model ids), when the CLI said. */
    costByModel: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(100)), z.number().check(z.nonnegative()))),
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
