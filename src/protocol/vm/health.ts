// The VM's health, and the configuration problems it names.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

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
  "shared_proc", // /proc is not mounted with hidepid=2 (and ALLOW_SHARED_PROC is not 1): agents would see each other's processes
  "fly_api_open", // Fly's Machines API socket (/.fly/api) is open to agent uids
]);
export type ConfigProblemReason = z.infer<typeof ConfigProblemReasonSchema>;

/**
 * `GET /health`. 200 `{ok: true}` when the VM can run an agent; 503 `{ok: false, missing}` when
 * something it found at start stops it (the names of settings or capabilities, never values).
 * A request with the token also gets `problem`: the configuration problem the VM knows of (its
 * startup checks, or what its runs found), or null; and `allowed`: the settings under which it runs
 * agents less apart than it could (ALLOW_SHARED_PROC), when there are any.
 */
export const VmHealthSchema = z.object({
  ok: z.boolean(),
  missing: z.optional(z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20))),
  allowed: z.optional(z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20))),
  problem: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
});
export type VmHealth = z.infer<typeof VmHealthSchema>;
