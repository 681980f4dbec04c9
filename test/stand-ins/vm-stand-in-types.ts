// What the VM stand-in recorded, readable from workerd tests (no Node imports here).
import type { GitIdentity, InputMessage, RunEvent, RunOptions } from "../../src/protocol/vm/runs";
import type { ShipRequest } from "../../src/protocol/vm/ship";
import type { PullReviewRequest } from "../../src/protocol/vm/pull-review";

/**
 * The archive routes as called (`status`: the HTTP status answered): POST …/archive, a part read
 * out (recorded once its last byte is written) or PUT back, POST …/archive/restore, DELETE
 * …/archive, DELETE …/data. "archive-restore" is the restore that put the user back.
 */
export type ArchiveRequestKind = "archive-prepare" | "archive-part-read" | "archive-part-put" | "archive-restore-call" | "archive-clear" | "archive-remove-data";

export type StandInRequest = {
  kind: "start" | "events" | "input" | "cancel" | "tool-result" | "approval" | "create-workspace" | "delete-workspace" | "forget-rules" | "file" | "undo" | "redo" | "render-diff" | "ship-preview" | "ship" | "pull-review" | "handoff" | "handback" | "archive-restore" | "handback-keep" | "handoff-new" | ArchiveRequestKind;
  /** handoff: the laptop's directory the bundle was asked for. */
  laptopDir?: string;
  /** ship-preview, ship: the ShipRequest the relay sent. */
  ship?: ShipRequest;
  /** pull-review: the review the relay asked to post on the pull request. */
  review?: PullReviewRequest;
  /** render-diff: the unified diff the relay asked to draw. */
  diff?: string;
  callId?: string;
  /** approval: the answer as sent, and the HTTP status answered (202, 404 unknown_approval, 409 approval_settled). */
  requestId?: string;
  decision?: "allow" | "deny";
  message?: string;
  remember?: string;
  /** approval of a plan (ExitPlanMode): the mode the run goes on in, as sent. */
  mode?: "default" | "acceptEdits";
  /** archive-restore: the workspaces and sessions the restore put back. */
  restored?: { workspaces: string[]; sessions: number };
  /** "" for the workspace requests. */
  runId: string;
  userId: string;
  /** Starts (default "main") and workspace requests. */
  workspace?: string;
  /** Starts: what the relay sent (`options.keepWarmMs` repeated here for convenience). */
  gitIdentity?: GitIdentity;
  keepWarmMs?: number;
  /** create-workspace: the clone asked for. */
  clone?: { url: string; branch?: string };
  /** Workspace requests: the HTTP status answered. */
  status?: number;
  sessionId?: string | null;
  messages?: InputMessage[];
  options?: RunOptions;
  after?: number;
  /** For input: whether the live run took it (false: the run had finished). */
  accepted?: boolean;
  at: number;
};

/**
 * POST /__stand-in/script: the next run started for `userId` executes nothing. Its first
 * connections (POST /v1/runs, then each GET …/events) write `connections[i]`'s chunks verbatim
 * (no newline added) and end; once they are used up, connections serve `events` after `?after=`.
 */
export type VmScript = { userId: string; connections: string[][]; events: RunEvent[] };

/**
 * POST /__stand-in/clone: how the next clone for `userId` ends. `fail`: a CloneFailureReason
 * (nothing is created); otherwise it reports `branch` (default: the branch asked for, else
 * "main") and `files` (default 42). `delayMs`: how long the clone takes.
 */
export type VmCloneScript = { userId: string; fail?: string; branch?: string | null; files?: number; delayMs?: number };

/** A 1x1 PNG: what `[[vm:send-file NAME]]` stages. */
export const STAND_IN_PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

/** A value the stand-in treats as one of the VM's secrets: redacted from the tool calls it reports. */
export const STAND_IN_SECRET = "sk-stand-in-secret-0123456789";
