// Approvals, the pure part: what the relay sees of a permission request (bounded, redacted), the
// answer text Claude Code's `--permission-prompt-tool` expects, and permission rules as data.
import { bashRuleAllowed } from "../../../src/protocol/always-rules";
import { APPROVAL_INPUT_MAX_CHARS, PERMISSION_RULE, type PlanExitMode } from "../../../src/protocol/vm/approvals";
import { redactSecrets } from "./config-problem";

/** What the VM decided for one request: the CLI gets exactly this, as JSON text (docs/vm.md, approvals). */
export type ApprovalVerdict =
  | { behavior: "allow"; rule?: PermissionRule; mode?: PlanExitMode }
  | { behavior: "deny"; message: string };

/** A rule as Claude Code stores it in `permissionUpdates`: `Bash(npm test:*)` is `{toolName: "Bash", ruleContent: "npm test:*"}`. */
export type PermissionRule = { toolName: string; ruleContent?: string };

export function parsePermissionRule(rule: string): PermissionRule | null {
  const match = PERMISSION_RULE.exec(rule);
  if (!match?.[1]) return null;
  return match[2] === undefined ? { toolName: match[1] } : { toolName: match[1], ruleContent: match[2] };
}

export function formatPermissionRule(rule: PermissionRule): string {
  return rule.ruleContent === undefined ? rule.toolName : `${rule.toolName}(${rule.ruleContent})`;
}

/**
 * Whether an "always" rule says no more than the request it answers, as the relay offers it
 * (src/approvals/approvals.ts): for Bash the command's program and subcommand, never a program that runs
 * whatever follows it, or the very command (protocol/always-rules.ts); for a file tool that file;
 * for WebFetch that URL's host; for any other tool the tool itself. The relay is trusted with the
 * answer, not with widening it: a rule that fits another request is refused.
 */
export function ruleFitsRequest(rule: PermissionRule, toolName: string, input: Record<string, unknown>): boolean {
  if (rule.toolName !== toolName) return false;
  const text = (key: string): string | null => (typeof input[key] === "string" ? (input[key] as string) : null);
  const content = rule.ruleContent;
  switch (toolName) {
    case "Bash":
      return content !== undefined && bashRuleAllowed(content, text("command") ?? "");
    case "Write":
    case "Edit":
    case "MultiEdit":
      return content !== undefined && content === text("file_path");
    case "NotebookEdit":
      return content !== undefined && content === text("notebook_path");
    case "WebFetch": {
      try {
        return content === `domain:${new URL(text("url") ?? "").hostname}`;
      } catch {
        return false;
      }
    }
    default:
      return content === undefined;
  }
}

/**
 * The prompt tool's answer. `allow` hands the input back unchanged and, with a rule, adds it to
 * the CLI's session rules, so the running process stops asking at once (the VM has written it to
 * the user's rules file too, which later processes get as `--settings`); with a mode (an approved
 * plan) it sets the session's mode, the one the run goes on in. Observed shapes: docs/vm.md.
 */
export function permissionAnswerText(verdict: ApprovalVerdict, input: Record<string, unknown>): string {
  if (verdict.behavior === "deny") return JSON.stringify({ behavior: "deny", message: verdict.message });
  const updatedPermissions = [
    ...(verdict.rule ? [{ type: "addRules", rules: [verdict.rule], behavior: "allow", destination: "session" }] : []),
    ...(verdict.mode ? [{ type: "setMode", mode: verdict.mode, destination: "session" }] : []),
  ];
  return JSON.stringify({ behavior: "allow", updatedInput: input, ...(updatedPermissions.length > 0 ? { updatedPermissions } : {}) });
}

const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

function clipValue(value: unknown, maxString: number, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") {
    const clean = redactSecrets(value, secrets);
    return clean.length <= maxString ? clean : `${clean.slice(0, maxString - 1)}…`;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "…";
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => clipValue(v, maxString, secrets, depth + 1));
  const entries = Object.entries(value).slice(0, MAX_ITEMS);
  return Object.fromEntries(entries.map(([k, v]) => [k, clipValue(v, maxString, secrets, depth + 1)]));
}

/**
 * The input as the relay sees it: secrets replaced, strings cut shorter until the JSON fits
 * APPROVAL_INPUT_MAX_CHARS (a Write's whole file content need not reach a phone). Whole when it
 * fits: a long command reaches the relay entire, for the run's page to show what the user approves.
 */
export function boundApprovalInput(input: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  for (const maxString of [APPROVAL_INPUT_MAX_CHARS, 2000, 500, 100, 20]) {
    const clipped = clipValue(input, maxString, secrets, 0) as Record<string, unknown>;
    if (JSON.stringify(clipped).length <= APPROVAL_INPUT_MAX_CHARS) return clipped;
  }
  return { truncated: true };
}

type Settings = { record: Record<string, unknown>; permissions: Record<string, unknown>; allow: unknown[] };

/** Throws on a file that is not a JSON object: never overwrite what we cannot read. */
function parseSettings(settingsText: string | null): Settings {
  const settings: unknown = settingsText === null || settingsText.trim() === "" ? {} : JSON.parse(settingsText);
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) throw new Error("the settings file is not a JSON object");
  const record = settings as Record<string, unknown>;
  const permissions = typeof record.permissions === "object" && record.permissions !== null && !Array.isArray(record.permissions) ? (record.permissions as Record<string, unknown>) : {};
  return { record, permissions, allow: Array.isArray(permissions.allow) ? permissions.allow : [] };
}

const textOf = (settings: Record<string, unknown>) => `${JSON.stringify(settings, null, 2)}\n`;

/**
 * Adds an allow rule to the text of a Claude Code settings file (null: no file yet), keeping
 * everything else.
 */
export function withAllowRule(settingsText: string | null, rule: string): string {
  const { record, permissions, allow } = parseSettings(settingsText);
  return textOf({ ...record, permissions: { ...permissions, allow: allow.includes(rule) ? allow : [...allow, rule] } });
}

/** The allow rules of a settings file (null: no file): the "always" answers, and any other. */
export function allowRulesOf(settingsText: string | null): string[] {
  return parseSettings(settingsText).allow.filter((rule): rule is string => typeof rule === "string");
}

/**
 * The settings without `permissions.allow` (every other key kept, `deny` and `ask` too) and the
 * rules removed; `text` is null when there was nothing to remove (the file stays as it is).
 */
export function withoutAllowRules(settingsText: string | null): { text: string | null; removed: string[] } {
  const { record, permissions, allow } = parseSettings(settingsText);
  if (!("allow" in permissions)) return { text: null, removed: [] };
  const { allow: _dropped, ...rest } = permissions;
  return { text: textOf({ ...record, permissions: rest }), removed: allow.filter((rule): rule is string => typeof rule === "string") };
}
