// Approvals: the run option that asks for them, the question as an event, the relay's answer, and a workspace's "always" rules.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { IdSchema, Seq } from "./ids";
import { WorkspaceIdSchema } from "./workspaces";

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
  timeoutMs: z._default(z.number().check(z.int(), z.positive(), z.lte(MAX_APPROVAL_TIMEOUT_MS)), DEFAULT_APPROVAL_TIMEOUT_MS),
  /**
   * The run's input is someone else's text (a GitHub event, a trigger's caller): every action that
   * is not read-only asks (`default`, whatever `mode` says), the user's "always" rules are not
   * given to the CLI, and no answer may remember a rule.
   */
  untrusted: z.optional(z.boolean()),
});
export type ApprovalsOption = z.infer<typeof ApprovalsOptionSchema>;

/** The CLI's tool that presents a plan and asks to leave plan mode: its approval is the plan's answer. */
export const EXIT_PLAN_TOOL = "ExitPlanMode";
/** The modes a run may go on in once its plan is approved. */
export const PLAN_EXIT_MODES = ["default", "acceptEdits"] as const;
export type PlanExitMode = (typeof PLAN_EXIT_MODES)[number];

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
  /**
   * With `allow` of the CLI's `ExitPlanMode` (a plan the user approved): the mode the run goes on
   * in, `default` (every change asked) or `acceptEdits` (file edits go ahead). Refused for any
   * other tool. Absent: the CLI's own choice, which asks as `default` does.
   */
  mode: z.optional(z.enum(PLAN_EXIT_MODES)),
});
export type ApprovalAnswerRequest = z.infer<typeof ApprovalAnswerRequestSchema>;

/** The longest `input` of an `approval_request`, as JSON: longer strings are cut (ending with "…"). */
export const APPROVAL_INPUT_MAX_CHARS = 8 * 1024;

/** The longest `edit.diff` of an `approval_request`: a longer diff is cut at a line (`cut`). */
export const APPROVAL_EDIT_MAX_CHARS = 64 * 1024;

/**
 * A file edit's own change, for the user to see before approving it: a unified diff of the file
 * (`path` as the tool names it; a command's several files comma-separated), its added and
 * removed lines counted over the whole diff even when `diff` was cut to APPROVAL_EDIT_MAX_CHARS.
 */
export const ApprovalEditSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(1000)),
  diff: z.string().check(z.maxLength(APPROVAL_EDIT_MAX_CHARS)),
  added: z.number().check(z.int(), z.gte(0)),
  removed: z.number().check(z.int(), z.gte(0)),
  cut: z.boolean(),
});
export type ApprovalEdit = z.infer<typeof ApprovalEditSchema>;

/**
 * The agent asks before it acts (runs with `options.approvals` only); answer with POST …/approval.
 * `tool`: the CLI's tool name (`Bash`, `Write`, `mcp__server__tool`); `input`: its input,
 * strings cut to fit APPROVAL_INPUT_MAX_CHARS and the VM's secrets replaced by "[redacted]";
 * `summary`: one line for the user ("Running: npm test"); `projectDir`: the run's working directory
 * (the conversation's workspace), so the relay names files inside it as the user knows them
 * (`notes.txt`, not the VM's own path). Absent from VMs older than it: paths are then shown whole.
 */
export const ApprovalRequestEventSchema = z.object({
  seq: Seq,
  type: z.literal("approval_request"),
  requestId: IdSchema,
  tool: z.string().check(z.minLength(1), z.maxLength(200)),
  input: z.record(z.string(), z.unknown()).check(z.refine((input) => JSON.stringify(input).length <= APPROVAL_INPUT_MAX_CHARS, "input too large")),
  summary: z.optional(z.string().check(z.maxLength(500))),
  projectDir: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  /** A file edit's diff (Write, Edit, MultiEdit, NotebookEdit, a `sed -i` or `perl -pi` command), secrets replaced; absent for other tools and older VMs. */
  edit: z.optional(ApprovalEditSchema),
});
export type ApprovalRequestEvent = z.infer<typeof ApprovalRequestEventSchema>;

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
