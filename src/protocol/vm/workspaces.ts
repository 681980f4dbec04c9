// A user's workspaces: created empty or by a clone, and deleted.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

/**
 * A conversation's project directory, named by the relay with an id that survives renames.
 * "main" is the directory every user had before conversations (its sessions still resume).
 */
export const WorkspaceIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "workspace ids are 1-40 of [a-z0-9_-], starting with a letter or digit"));
export const MAIN_WORKSPACE = "main";

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
