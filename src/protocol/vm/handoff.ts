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
]);
export type HandoffRefusalReason = z.infer<typeof HandoffRefusalReasonSchema>;

export const HandoffRefusalSchema = z.object({ error: z.literal("handoff_refused"), reason: HandoffRefusalReasonSchema, message: z.string().check(z.maxLength(300)) });
export type HandoffRefusal = z.infer<typeof HandoffRefusalSchema>;

/** The content type of a hand-off's bundle. */
export const GIT_BUNDLE_CONTENT_TYPE = "application/x-git-bundle";
