// The workspace's own Claude Code settings (`.claude/settings.local.json`): where an "always"
// answer is kept as a permission rule, read by every later CLI process in that workspace, and
// where the relay reads and forgets those rules. Read by the server through a checked open (the
// user's own regular file, or nothing), written only by a child running as the workspace's user.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { doAsUserSync } from "./as-user";
import { readUserText } from "./checked-open";
import type { AgentIds } from "./core/agent-ids";
import { allowRulesOf, withAllowRule, withoutAllowRules } from "./core/approvals";

const settingsFileOf = (cwd: string) => join(cwd, ".claude", "settings.local.json");

/** `root`: the user's root directory (users/<key>), from which a checked read walks without following a link. */
function readSettings(ids: AgentIds | null, root: string, file: string): string | null {
  if (ids) return readUserText(ids, root, file);
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return null;
  }
}

/**
 * Through a temporary file and a rename (the CLI watches this file and must never read half of
 * it), as the user; synchronous: a remembered rule is on disk before the allow goes to the CLI.
 */
function replaceSettings(ids: AgentIds | null, file: string, text: string): void {
  doAsUserSync(ids, [{ op: "write", path: file, text, mode: 0o600 }]);
}

export function rememberAllowRule(ids: AgentIds | null, root: string, cwd: string, rule: string): void {
  const file = settingsFileOf(cwd);
  replaceSettings(ids, file, withAllowRule(readSettings(ids, root, file), rule));
}

export function readAllowRules(ids: AgentIds | null, root: string, cwd: string): string[] {
  return allowRulesOf(readSettings(ids, root, settingsFileOf(cwd)));
}

/** Removes every allow rule, keeping the rest of the file; returns the rules removed. */
export function clearAllowRules(ids: AgentIds | null, root: string, cwd: string): string[] {
  const file = settingsFileOf(cwd);
  const { text, removed } = withoutAllowRules(readSettings(ids, root, file));
  if (text !== null) replaceSettings(ids, file, text);
  return removed;
}
