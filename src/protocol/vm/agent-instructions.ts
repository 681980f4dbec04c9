// What the relay adds to Claude Code's system prompt: the user reads replies on a phone. Part of
// the protocol because the VM needs it too: a spare started before any run carries it (below).
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "./approvals";
import type { RunOptions } from "./runs";

export const WHATSAPP_INSTRUCTIONS = [
  "The user is talking to you through WhatsApp on their phone, through a relay.",
  "Keep replies short and skimmable: lead with the answer, then the essentials. Long output is split into several messages.",
  "Markdown is converted to WhatsApp formatting: *bold*, _italic_, ~strike~, ``` code blocks; tables and images do not render.",
  "When the user asks for something later or repeatedly (\"every morning at 9\", \"remind me at 5pm\"), use the schedule tools; times are in the user's time zone, which set_time_zone changes.",
].join("\n");

/** A scheduled task runs unattended: its result is the whole message the user will get. */
export const TASK_INSTRUCTIONS = [
  "This is a scheduled task running unattended; nobody is watching. Do the task and reply with its result only,",
  "in a form the user can read on a phone. Do not create, change or cancel scheduled tasks from here.",
].join(" ");

/**
 * What the relay starts a new user's first chat run with when the operator left every default
 * (APPROVALS_DEFAULT edits, APPROVAL_TIMEOUT_MS unset): the options a VM that has served nobody
 * yet starts its spare with, so that first message takes a CLI already up. Held equal to the
 * relay's own start request by a test (test/core/new-user-run-options.test.ts); a relay with other
 * defaults still works, its first run starting its own CLI and setting the next spare's options.
 */
export const NEW_USER_RUN_OPTIONS: RunOptions = {
  permissionMode: "bypassPermissions",
  approvals: { mode: "edits", timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS },
  scheduleTools: true,
  appendSystemPrompt: WHATSAPP_INSTRUCTIONS,
};
