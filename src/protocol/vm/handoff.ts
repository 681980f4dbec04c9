// Hand-off of a conversation to a laptop and back: what the relay asks of the VM, and its refusals.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { RunChangeSchema } from "./changes";

/** An absolute directory on the laptop, as its shell's `pwd -P` printed it: one line, no NUL. */
export const LaptopDirSchema = z.string().check(z.minLength(1), z.maxLength(4096), z.regex(/^\/[^\0\n\r]*$/, "an absolute path on one line"));

/** Claude Code's session ids are UUIDs: the VM looks up no other as a file name (a run's `unknown_session`). */
export const SESSION_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `POST …/handoff?userId=…`: a git bundle (`application/x-git-bundle`) of the workspace for a
 * laptop in `laptopDir`: its branch with every commit (`refs/heads/<branch>`), the uncommitted
 * changes as one commit on it (`refs/handoff/wip`), and `refs/handoff/session`, a commit whose
 * files are `branch`, `id` and `project` (the session's id and Claude Code's folder name for
 * `laptopDir`) and `session.jsonl` (the session with the workspace's paths as `laptopDir`).
 */
export const HandoffOutRequestSchema = z.object({ sessionId: z.nullable(z.string().check(z.minLength(1), z.maxLength(128))), laptopDir: LaptopDirSchema });
export type HandoffOutRequest = z.infer<typeof HandoffOutRequestSchema>;

export const HandoffRefusalReasonSchema = z.enum([
  "not_a_repository", // the workspace is not a git repository (or has no commit yet): there is no branch to carry (422)
  "busy", // a run is live in the workspace, or it is being cloned, deleted or shipped (409)
  "failed", // git refused; nothing changed (422)
  "conflict", // hand-back: the workspace changed since it was handed off; nothing was overwritten (409)
]);
export type HandoffRefusalReason = z.infer<typeof HandoffRefusalReasonSchema>;

const Sha = z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, "a full object id"));
/** A hand-off's time stamp in a branch's name: `20261126-140205` (UTC). */
export const HandoffStampSchema = z.string().check(z.regex(/^\d{8}-\d{6}$/, "a time stamp"));

/**
 * A conflict's laptop side, kept in the workspace: `branch` (`handoff/laptop-<stamp>`) holds the
 * laptop's commits (`head`) and, on top, one commit of its uncommitted changes (`wip`, or null when
 * there were none); its session, paths moved to the workspace's, is saved as `savedSession`.
 */
export const HandoffStagedSchema = z.object({ stamp: HandoffStampSchema, branch: z.string().check(z.maxLength(300)), head: Sha, wip: z.nullable(Sha), sessionId: z.nullable(z.string().check(z.regex(SESSION_UUID))), savedSession: z.nullable(z.string().check(z.maxLength(4096))) });
export type HandoffStaged = z.infer<typeof HandoffStagedSchema>;

/** `staged`: on a conflict, where the laptop's work was kept (the user is asked which side to keep). */
export const HandoffRefusalSchema = z.object({ error: z.literal("handoff_refused"), reason: HandoffRefusalReasonSchema, message: z.string().check(z.maxLength(300)), staged: z.optional(HandoffStagedSchema) });
export type HandoffRefusal = z.infer<typeof HandoffRefusalSchema>;

/** The content type of a hand-off's bundle. */
export const GIT_BUNDLE_CONTENT_TYPE = "application/x-git-bundle";

/** What a base64 field may hold at most (a DO's RPC answer and a Worker's request body are far under it). */
export const MAX_BASE64 = 40 * 1024 * 1024;

/**
 * `POST …/handback?userId=…`: the laptop's work back into the workspace. `base` and `wipTree` are
 * what the hand-off gave the laptop (the branch's commit and the tree with the uncommitted changes):
 * a workspace that is not at them any more changed meanwhile, and is not overwritten (`conflict`).
 * `bundle`: the laptop's commits on `branch` after `base` (base64 of a git bundle); `patch`: its
 * uncommitted changes (base64 of `git diff --binary`); `session`: its session file as it is there.
 */
export const HandbackRequestSchema = z.object({
  laptopDir: LaptopDirSchema,
  branch: z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^[^\0\s~^:?*[\\]+$/, "a branch name")),
  base: Sha,
  wipTree: Sha,
  bundle: z.nullable(z.string().check(z.maxLength(MAX_BASE64))),
  patch: z.nullable(z.string().check(z.maxLength(MAX_BASE64))),
  session: z.nullable(z.object({ id: z.string().check(z.regex(SESSION_UUID, "a session id is a UUID")), jsonl: z.string().check(z.maxLength(MAX_BASE64)) })),
});
export type HandbackRequest = z.infer<typeof HandbackRequestSchema>;

/**
 * `POST …/handoff/new?userId=…` (/handoff new): a workspace not made yet, or empty, filled with a
 * laptop's repository: `bundle` (base64 of a git bundle of `branch` with all its commits), `patch`
 * (its uncommitted changes, untracked files too) and `session`, paths moved from `laptopDir` to the
 * workspace's. 200: a `HandbackDone` (`turns`: the session's prompts; `files`: files the patch changes).
 */
export const HandoffNewRequestSchema = z.object({
  laptopDir: LaptopDirSchema,
  branch: HandbackRequestSchema.shape.branch,
  bundle: z.string().check(z.minLength(1), z.maxLength(MAX_BASE64)),
  patch: HandbackRequestSchema.shape.patch,
  session: HandbackRequestSchema.shape.session,
});
export type HandoffNewRequest = z.infer<typeof HandoffNewRequestSchema>;

/**
 * 200: what came back. `turns`: the session's prompts not on the VM before; `files`: files that
 * differ from what was handed off. A hand-back (and a kept laptop side) is a change like a run's:
 * `changeId` names its checkpoints (as a run's id names a run's: /undo and /redo take it back and
 * put it again) and `change` is what it changed in the workspace, when it changed files.
 */
export const HandbackDoneSchema = z.object({
  sessionId: z.nullable(z.string()),
  turns: z.number().check(z.int(), z.nonnegative()),
  branch: z.string(),
  head: z.string(),
  files: z.number().check(z.int(), z.nonnegative()),
  changeId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/))),
  change: z.optional(RunChangeSchema),
});
export type HandbackDone = z.infer<typeof HandbackDoneSchema>;

/**
 * `POST …/handback/keep?userId=…`: the user kept the laptop's side of a conflict. The workspace's
 * own work (its commits and uncommitted changes) is kept as branch `handoff/phone-<stamp>` and its
 * session `phoneSessionId` saved as a file; the workspace then holds `staged` (its commits, its
 * changes left uncommitted) and the CLI's session is the laptop's. 200: a `HandbackDone` with `kept`.
 */
export const HandbackKeepRequestSchema = z.object({ staged: HandoffStagedSchema, phoneSessionId: z.nullable(z.string().check(z.maxLength(128))) });
export type HandbackKeepRequest = z.infer<typeof HandbackKeepRequestSchema>;

/** Where the side not kept is: its branch and its saved session's file (null: there was none). */
export const HandoffKeptSchema = z.object({ branch: z.string().check(z.maxLength(300)), savedSession: z.nullable(z.string().check(z.maxLength(4096))) });
export type HandoffKept = z.infer<typeof HandoffKeptSchema>;
export const HandbackKeptSchema = z.object({ done: HandbackDoneSchema, kept: HandoffKeptSchema });
export type HandbackKept = z.infer<typeof HandbackKeptSchema>;
