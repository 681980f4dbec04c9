// The workspace's own Claude Code settings (`.claude/settings.local.json`): where an "always"
// answer is kept as a permission rule, read by every later CLI process in that workspace, and
// where the relay reads and forgets those rules. Touched only as the workspace's user.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asUser } from "./as-user";
import type { AgentIds } from "./core/agent-ids";
import { allowRulesOf, withAllowRule, withoutAllowRules } from "./core/approvals";

const settingsFileOf = (cwd: string) => join(cwd, ".claude", "settings.local.json");

function readSettings(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return null;
  }
}

/** Through a temporary file and a rename: the CLI watches this file and must never read half of it. */
function replaceSettings(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

export function rememberAllowRule(ids: AgentIds | null, cwd: string, rule: string): void {
  asUser(ids, () => {
    mkdirSync(join(cwd, ".claude"), { recursive: true, mode: 0o700 });
    const file = settingsFileOf(cwd);
    replaceSettings(file, withAllowRule(readSettings(file), rule));
  });
}

export function readAllowRules(ids: AgentIds | null, cwd: string): string[] {
  return asUser(ids, () => allowRulesOf(readSettings(settingsFileOf(cwd))));
}

/** Removes every allow rule, keeping the rest of the file; returns the rules removed. */
export function clearAllowRules(ids: AgentIds | null, cwd: string): string[] {
  return asUser(ids, () => {
    const file = settingsFileOf(cwd);
    const { text, removed } = withoutAllowRules(readSettings(file));
    if (text !== null) replaceSettings(file, text);
    return removed;
  });
}
