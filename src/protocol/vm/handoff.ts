// Hand-off of a conversation to a laptop and back: what the relay asks of the VM, and its refusals.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

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

export const HandoffRefusalSchema = z.object({ error: z.literal("handoff_refused"), reason: HandoffRefusalReasonSchema, message: z.string().check(z.maxLength(300)) });
export type HandoffRefusal = z.infer<typeof HandoffRefusalSchema>;

/** The content type of a hand-off's bundle. */
export const GIT_BUNDLE_CONTENT_TYPE = "application/x-git-bundle";

const Sha = z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, "a full object id"));
/** What a base64 field may hold at most (a DO's RPC answer and a Worker's request body are far under it). */
const MAX_BASE64 = 40 * 1024 * 1024;

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

/** 200: what came back. `turns`: the session's prompts not on the VM before; `files`: files that differ from what was handed off. */
export const HandbackDoneSchema = z.object({ sessionId: z.nullable(z.string()), turns: z.number().check(z.int(), z.nonnegative()), branch: z.string(), head: z.string(), files: z.number().check(z.int(), z.nonnegative()) });
export type HandbackDone = z.infer<typeof HandbackDoneSchema>;
