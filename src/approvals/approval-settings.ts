// The approvals' settings: new conversations' mode (APPROVALS_DEFAULT, edits unless set) and how
// long a prompt waits before it is denied (APPROVAL_TIMEOUT_MS). Declared here
// (config/settings-declaration.ts's shape) with its field of Config, and listed in agent/.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";
import type { ApprovalMode } from "./approvals";
import { DEFAULT_APPROVAL_TIMEOUT_MS, MAX_APPROVAL_TIMEOUT_MS } from "../protocol/vm/approvals";

declare module "../config/config" {
  interface Config {
    /** New conversations' approval mode, and how long a prompt waits before it is denied. */
    approvals: { defaultMode: ApprovalMode; timeoutMs: number };
  }
}

export const APPROVAL_SETTINGS = settingsPart({
  env: {
    APPROVALS_DEFAULT: optional(z.enum(["off", "edits", "on"], "APPROVALS_DEFAULT must be off, edits or on")),
    // At least 10 s (a person must be able to answer), at most the VM's own cap of 24 h.
    APPROVAL_TIMEOUT_MS: optional(
      z.string().check(z.regex(/^\d{1,9}$/, "APPROVAL_TIMEOUT_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) >= 10_000 && Number(v) <= MAX_APPROVAL_TIMEOUT_MS, "APPROVAL_TIMEOUT_MS must be between 10000 and 86400000")),
    ),
  },
  read: (e) => ({
    ok: true,
    config: { approvals: { defaultMode: e.APPROVALS_DEFAULT ?? "edits", timeoutMs: e.APPROVAL_TIMEOUT_MS === undefined ? DEFAULT_APPROVAL_TIMEOUT_MS : Number(e.APPROVAL_TIMEOUT_MS) } },
  }),
});
