// The workspace's own Claude Code settings (`.claude/settings.local.json`): where an "always"
// answer is kept as a permission rule, read by every later CLI process in that workspace.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withAllowRule } from "./core/approvals";

export function rememberAllowRule(cwd: string, rule: string): void {
  const dir = join(cwd, ".claude");
  const file = join(dir, "settings.local.json");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let current: string | null = null;
  try {
    current = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // Through a temporary file and a rename: the CLI watches this file and must never read half of it.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, withAllowRule(current, rule), { mode: 0o600 });
  renameSync(temporary, file);
}
