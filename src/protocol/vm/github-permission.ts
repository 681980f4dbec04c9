// What GitHub lets a user do on a repository, as the VM asks GitHub for the relay.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

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
