// Approvals from the phone, the pure part: the modes, what the user types or taps to answer, the
// prompt they read, and the permission rule an "always" remembers (in Claude Code's format).
import { PERMISSION_RULE } from "../protocol/vm-protocol";
import { quoteInput } from "./quote-input";

/** `off`: bypassPermissions, nothing asked; `edits`: edits in the project go ahead, the rest asks; `on`: everything asks. */
export type ApprovalMode = "off" | "edits" | "on";

export type ApprovalAnswer = "yes" | "no" | "always";

/** Which open prompts an answer is for: one by its number, all of them, or (bare) the only one. */
export type AnswerTarget = { kind: "only" } | { kind: "number"; number: number } | { kind: "all" };

type ParsedAnswer = { answer: ApprovalAnswer; target: AnswerTarget };

const ANSWER = /^(yes|no|always)(?:\s+(all|\d{1,3}))?[.!]*$/i;

/**
 * `yes`, `no 2`, `always all`, `Yes!`: an answer to open prompts, or null for any other text
 * (which then goes to the agent as usual). Only read while a prompt is open.
 */
export function parseApprovalAnswer(text: string): ParsedAnswer | null {
  const match = ANSWER.exec(text.trim());
  if (!match) return null;
  const answer = (match[1] ?? "").toLowerCase() as ApprovalAnswer;
  const target = match[2] === undefined ? { kind: "only" as const } : match[2].toLowerCase() === "all" ? { kind: "all" as const } : { kind: "number" as const, number: Number(match[2]) };
  return { answer, target };
}

/** A quick-reply button's id: the prompt's own id, so a tap answers that prompt and no other. */
export function buttonPayload(approvalId: number, answer: ApprovalAnswer): string {
  return `approval:${approvalId}:${answer}`;
}

const PAYLOAD = /^approval:(\d{1,12}):(yes|no|always)$/;

/** The prompt and answer a tapped button carries, or null when the payload is not one of ours. */
export function parseButtonPayload(payload: string): { approvalId: number; answer: ApprovalAnswer } | null {
  const match = PAYLOAD.exec(payload.trim());
  return match ? { approvalId: Number(match[1]), answer: match[2] as ApprovalAnswer } : null;
}

/** What the user reads of one request: the tool and what it will do, in a few lines. */
export function describeRequest(tool: string, input: Record<string, unknown>, summary: string | undefined): string {
  const text = (key: string): string | null => (typeof input[key] === "string" ? (input[key] as string) : null);
  switch (tool) {
    case "Bash": {
      const command = text("command");
      return command ? `Run a command:\n${clip(command, 600)}` : (summary ?? "Run a command");
    }
    case "Write": {
      const path = text("file_path") ?? "a file";
      const content = text("content");
      return `Write ${path}${content === null ? "" : ` (${content.split("\n").length} lines):\n${clipLines(content, 6, "+ ")}`}`;
    }
    case "Edit":
    case "MultiEdit": {
      const path = text("file_path") ?? "a file";
      const edits = tool === "Edit" ? [input] : Array.isArray(input.edits) ? (input.edits as Record<string, unknown>[]) : [];
      const first = edits[0] ?? {};
      const before = typeof first.old_string === "string" ? clipLines(first.old_string, 4, "- ") : "";
      const after = typeof first.new_string === "string" ? clipLines(first.new_string, 4, "+ ") : "";
      const more = edits.length > 1 ? `\n(and ${edits.length - 1} more edit${edits.length === 2 ? "" : "s"})` : "";
      return `Edit ${path}:\n${[before, after].filter(Boolean).join("\n")}${more}`;
    }
    case "NotebookEdit":
      return `Edit the notebook ${text("notebook_path") ?? ""}`.trim();
    case "WebFetch":
      return `Fetch ${text("url") ?? "a web page"}`;
    case "WebSearch":
      return `Search the web for “${quoteInput(text("query") ?? "", 120)}”`;
    default:
      return summary ? `${tool}: ${summary}` : `${tool} ${clip(JSON.stringify(input), 300)}`;
  }
}

/**
 * The rule an "always" answer remembers, for the request's own tool (the VM refuses any other):
 * `Bash(npm test:*)` for `npm test -- --watch`, `WebFetch(domain:example.com)`, `Write(/abs/file)`.
 * Null when no rule can say it (a command with parentheses): "always" then allows this once.
 */
export function alwaysRule(tool: string, input: Record<string, unknown>): string | null {
  const value = (key: string): string | null => (typeof input[key] === "string" ? (input[key] as string) : null);
  const rule = (content: string | null): string | null => {
    const candidate = content === null ? tool : `${tool}(${content})`;
    return candidate.length <= 300 && PERMISSION_RULE.test(candidate) ? candidate : null;
  };
  switch (tool) {
    case "Bash": {
      const command = value("command")?.trim() ?? "";
      // A compound command is remembered only as itself: a prefix would allow what follows it.
      if (command === "" || /[;&|<>`$\n]/.test(command)) return command === "" ? null : rule(command);
      const [program, sub] = command.split(/\s+/);
      const prefix = sub && /^[a-z][\w.-]*$/i.test(sub) ? `${program} ${sub}` : program;
      return rule(`${prefix}:*`);
    }
    case "WebFetch": {
      try {
        return rule(`domain:${new URL(value("url") ?? "").hostname}`);
      } catch {
        return null;
      }
    }
    case "Write":
    case "Edit":
    case "MultiEdit":
      return value("file_path") ? rule(value("file_path")) : null;
    case "NotebookEdit":
      return value("notebook_path") ? rule(value("notebook_path")) : null;
    default:
      return rule(null);
  }
}

type PromptInput = {
  /** Shown when more than one prompt is open (answers then name it: `yes 2`). */
  number: number | null;
  conversation: string;
  description: string;
  timeoutMs: number;
};

/** The one message of a prompt; buttons (when Twilio's Content API is there) say the same. */
export function approvalPrompt(p: PromptInput): string {
  const tag = p.number === null ? "" : ` #${p.number}`;
  const suffix = p.number === null ? "" : ` ${p.number}`;
  const minutes = Math.max(1, Math.round(p.timeoutMs / 60_000));
  return [
    `🔐 Approval${tag} in ${p.conversation}: the agent wants to`,
    p.description,
    `Reply yes${suffix}, no${suffix} or always${suffix} (always: allow this kind of action in ${p.conversation} from now on). Not answered in ${minutes} min: denied.`,
  ].join("\n");
}

/** A WhatsApp quick-reply body holds 1,024 characters: a longer prompt goes as plain text. */
export const QUICK_REPLY_BODY_MAX = 1024;

export const ANSWER_WORDS: Record<ApprovalAnswer, string> = { yes: "Yes", no: "No", always: "Always" };

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function clipLines(text: string, maxLines: number, marker: string): string {
  const lines = text.split("\n");
  const shown = lines.slice(0, maxLines).map((line) => marker + clip(line, 120));
  if (lines.length > maxLines) shown.push(`${marker}… (${lines.length - maxLines} more lines)`);
  return shown.join("\n");
}
