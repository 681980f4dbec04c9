// Approvals from the phone, the pure part: the modes, what the user types or taps to answer, the
// prompt they read, and the permission rule an "always" remembers (in Claude Code's format).
import { COMPOUND, runnerRefusal, SUBCOMMAND } from "../protocol/always-rules";
import { PERMISSION_RULE, type ApprovalEdit } from "../protocol/vm/approvals";
import { codeBlock, diffBody, diffExcerpt, editSummary, linesNotShown } from "./edit-preview";
import { quoteInput } from "../shared/quote-input";
import { fitPrompt, projectPath, projectRule, visibleMarks } from "./approval-text";
import { describeRelayToolUse } from "./relay-tool-words";
import type { NewQuestion } from "../questions/questions";
import type { TapToast } from "../channels/channel";

/** `/approvals forget` after the command's transaction (joined in agent/vm-action.ts): the rules "always" wrote into the project's Claude Code settings. */
export type ForgetRulesAction = { kind: "forget_rules"; workspace: string; conversation: string };

/** `off`: bypassPermissions, nothing asked; `edits`: edits in the project go ahead, the rest asks; `on`: everything asks. */
export type ApprovalMode = "off" | "edits" | "on";

export type ApprovalAnswer = "yes" | "no" | "always";

/** Which open prompts an answer is for: one by its number, all of them, or (bare) the only one. */
export type AnswerTarget = { kind: "only" } | { kind: "number"; number: number } | { kind: "all" };

type ParsedAnswer = { answer: ApprovalAnswer; target: AnswerTarget };

/** Prompt numbers only grow (approvals-repo.ts): up to nine digits. */
const ANSWER = /^(yes|no|always)(?:\s+(all|\d{1,9}))?[.!]*$/i;

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

/**
 * What the user reads of one request ("Run a command:", then the command): the tool and
 * what it will do, the command whole (the prompt cuts it to fit a message, fitPrompt), files named
 * inside the project (`projectDir`, the run's working directory), and every hidden character as a
 * visible mark (approval-text.ts). Stored whole: the private page shows it so.
 */
export function describeRequest(tool: string, input: Record<string, unknown>, summary: string | undefined, projectDir?: string | null): string {
  const text = (key: string): string | null => (typeof input[key] === "string" ? (input[key] as string) : null);
  const file = (key: string): string | null => {
    const path = text(key);
    return path === null ? null : projectPath(path, projectDir);
  };
  return visibleMarks(describe());

  function describe(): string {
    switch (tool) {
      case "Bash": {
        const command = text("command");
        return command ? `Run a command:\n${command}` : `Run a command${summary ? ` (${summary})` : ""}`;
      }
      case "Write": {
        const content = text("content");
        return `Write ${file("file_path") ?? "a file"}${content === null ? "" : ` (${content.split("\n").length} lines):\n${clipLines(content, 6, "+ ")}`}`;
      }
      case "Edit":
      case "MultiEdit": {
        const edits = tool === "Edit" ? [input] : Array.isArray(input.edits) ? (input.edits as Record<string, unknown>[]) : [];
        const first = edits[0] ?? {};
        const before = typeof first.old_string === "string" ? clipLines(first.old_string, 4, "- ") : "";
        const after = typeof first.new_string === "string" ? clipLines(first.new_string, 4, "+ ") : "";
        const more = edits.length > 1 ? `\n(and ${edits.length - 1} more edit${edits.length === 2 ? "" : "s"})` : "";
        return `Edit ${file("file_path") ?? "a file"}:\n${[before, after].filter(Boolean).join("\n")}${more}`;
      }
      case "NotebookEdit":
        return `Edit the notebook ${file("notebook_path") ?? ""}`.trim();
      case "WebFetch":
        return `Fetch ${text("url") ?? "a web page"}`;
      case "WebSearch":
        return `Search the web for “${quoteInput(text("query") ?? "", 120)}”`;
      default:
        return describeRelayToolUse(tool, input) ?? (summary ? `Use ${tool}: ${summary}` : `Use ${tool} ${clip(JSON.stringify(input), 300)}`);
    }
  }
}

/** What "always" would do for a request: save `rule`, or (no rule) allow it once, for the reason `why`. */
export type AlwaysOffer = { rule: string } | { rule: null; why: string };

/**
 * The rule an "always" answer remembers, for the request's own tool (the VM refuses any other):
 * `Bash(npm test:*)` for `npm test -- --watch`, `WebFetch(domain:example.com)`, `Write(/abs/file)`.
 * None for a command that runs whatever follows it (`node`, `bash`, `env`, `git`…:
 * protocol/always-rules.ts) or one no rule can say (parentheses): "always" then allows it once.
 */
export function alwaysOffer(tool: string, input: Record<string, unknown>): AlwaysOffer {
  const value = (key: string): string | null => (typeof input[key] === "string" ? (input[key] as string) : null);
  const unsayable = { rule: null, why: "no rule can say this one" } as const;
  const rule = (content: string | null): AlwaysOffer => {
    const candidate = content === null ? tool : `${tool}(${content})`;
    return candidate.length <= 300 && PERMISSION_RULE.test(candidate) ? { rule: candidate } : unsayable;
  };
  switch (tool) {
    case "Bash": {
      const command = value("command")?.trim() ?? "";
      if (command === "") return unsayable;
      // A compound command is remembered only as itself: a prefix would allow what follows it.
      if (COMPOUND.test(command)) return rule(command);
      const [program = "", second] = command.split(/\s+/);
      const sub = second !== undefined && SUBCOMMAND.test(second) ? second : undefined;
      const refusal = runnerRefusal(program, sub);
      if (refusal) return { rule: null, why: refusal };
      return rule(`${sub ? `${program} ${sub}` : program}:*`);
    }
    case "WebFetch": {
      try {
        return rule(`domain:${new URL(value("url") ?? "").hostname}`);
      } catch {
        return unsayable;
      }
    }
    case "Write":
    case "Edit":
    case "MultiEdit":
      return value("file_path") ? rule(value("file_path")) : unsayable;
    case "NotebookEdit":
      return value("notebook_path") ? rule(value("notebook_path")) : unsayable;
    default:
      return rule(null);
  }
}

/** The rule alone (null: "always" allows it once). */
export function alwaysRule(tool: string, input: Record<string, unknown>): string | null {
  return alwaysOffer(tool, input).rule;
}

type PromptInput = {
  /** Every prompt has its own (answers name it: `yes 12`); never one another prompt had. */
  number: number;
  conversation: string;
  /** describeRequest's words, whole. */
  description: string;
  /** What "always" would save, shown as is (or why it saves nothing). */
  always: AlwaysOffer;
  timeoutMs: number;
  /** Before the prompt: the event a run was started by (`[acme/api#12 issue] `), or "". */
  prefix: string;
  /** The run's working directory: a rule's file is shown inside it. */
  projectDir?: string | null;
  /** The most one message of the user's chat holds (WhatsApp 1600, Telegram 4096). */
  maxChars: number;
  /** The page that shows the request whole, for a prompt that must be cut; null: none. */
  link: string | null;
};

/** The one message of a prompt, cut to fit a message if it must; buttons (where the chat has them) say the same. */
export function approvalPrompt(p: PromptInput): { body: string; cut: number } {
  const tail = promptTail(p);
  const [first = "", ...rest] = p.description.split("\n");
  // One sentence: "the agent wants to run a command:", then what it runs.
  const head = `${p.prefix}🔐 Approval #${p.number} in ${p.conversation}: the agent wants to ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
  return rest.length === 0 ? fitPrompt({ head: null, text: head, tail, maxChars: p.maxChars, link: p.link }) : fitPrompt({ head, text: rest.join("\n"), tail, maxChars: p.maxChars, link: p.link });
}

/** How to answer: the words (the buttons say the same), what "always" keeps, and the timeout. */
function promptTail(p: Omit<PromptInput, "description">): string {
  const n = ` ${p.number}`;
  const minutes = Math.max(1, Math.round(p.timeoutMs / 60_000));
  return p.always.rule === null
    ? `Reply yes${n} or no${n} ("always" is not offered: ${p.always.why}). Not answered in ${minutes} min: denied.`
    : `Reply yes${n}, no${n} or always${n} (always: in ${p.conversation}, from now on allow ${visibleMarks(projectRule(p.always.rule, p.projectDir))}). Not answered in ${minutes} min: denied.`;
}

/** The command a shell edit runs (`sed -i …`), quoted on one line; null for a tool's own edit. */
export function editCommandOf(tool: string, input: Record<string, unknown>): string | null {
  return tool === "Bash" && typeof input.command === "string" ? visibleMarks(quoteInput(input.command, 300)) : null;
}

/** What the agent wants, in the prompt's words: "write", "edit", or run a command that edits ("run `sed -i …`, which edits"). */
const editVerb = (tool: string, command: string | null) => (command !== null ? `run “${command}”, which edits` : tool === "Write" ? "write" : "edit");

/** "Write notes.txt: new file, +2" or "Edit src/add.js: +2 −1": the request's words, then its whole diff (the private page shows it so). */
export function describeEdit(tool: string, edit: ApprovalEdit, command: string | null = null): string {
  const verb = command !== null ? `Run “${command}”, which edits` : tool === "Write" ? "Write" : "Edit";
  return [`${verb} ${editSummary(edit)}`, ...diffBody(edit.diff)].join("\n");
}

/**
 * Room kept for the code block's fences, as Telegram's <pre><code class="language-diff"> too: the
 * prompt stays one message unless escaping (`&lt;`…) makes it longer, and is then split (the outbox).
 */
const CODE_BLOCK_ROOM = 80;

/**
 * The prompt of a file edit: the file and what the edit does in its first line (and the command, for
 * a shell command that edits in place: it is what "yes" runs); then the diff's
 * lines that fit the message in a code block, or (`picture`: drawn and sent just before) none;
 * then how many lines are not shown, with `link` to the whole edit. `cut`: lines not shown.
 */
export function editApprovalPrompt(p: Omit<PromptInput, "description"> & { tool: string; edit: ApprovalEdit; picture: { linesHidden: number } | null; command?: string | null }): { body: string; cut: number } {
  const head = `${p.prefix}🔐 Approval #${p.number} in ${p.conversation}: the agent wants to ${editVerb(p.tool, p.command ?? null)} ${editSummary(p.edit)}`;
  const tail = promptTail(p);
  const extra = p.edit.cut ? 1 : 0;
  if (p.picture) {
    return { body: [head, linesNotShown(p.picture.linesHidden, p.edit, p.link), tail].filter(Boolean).join("\n"), cut: p.picture.linesHidden + extra };
  }
  const room = p.maxChars - head.length - tail.length - linesNotShown(diffBody(p.edit.diff).length, p.edit, p.link).length - CODE_BLOCK_ROOM;
  const { lines, notShown } = diffExcerpt(p.edit.diff, room);
  return { body: [head, lines.length > 0 ? codeBlock(lines) : "", linesNotShown(notShown, p.edit, p.link), tail].filter(Boolean).join("\n"), cut: notShown + extra };
}

export const ANSWER_WORDS: Record<ApprovalAnswer, string> = { yes: "Yes", no: "No", always: "Always" };

/** What a tapped approval button's toast says (channels' TapToastOf). */
export function approvalTapToast(payload: string): TapToast | null {
  const approval = parseButtonPayload(payload);
  return approval ? { taken: `${ANSWER_WORDS[approval.answer]} ✓`, expired: "This approval has expired." } : null;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function clipLines(text: string, maxLines: number, marker: string): string {
  const lines = text.split("\n");
  const shown = lines.slice(0, maxLines).map((line) => marker + clip(line, 120));
  if (lines.length > maxLines) shown.push(`${marker}… (${lines.length - maxLines} more lines)`);
  return shown.join("\n");
}

const ANSWERS: readonly ApprovalAnswer[] = ["yes", "no", "always"];

/**
 * A prompt as a question (questions/): answered by its own buttons, or typed as `yes`, `no 2`,
 * `always all`; the typed answer is then read against every open prompt (approval-targets.ts), so a
 * number no prompt has is answered too ("no prompt #5"). Open until decided (approvals-unit.ts).
 */
export function approvalQuestion(a: { id: number; conversationId: number; createdAt: number }): NewQuestion {
  const words = Object.fromEntries(ANSWERS.flatMap((w) => [[w, w], [`${w} all`, `${w} all`], [`${w} <n>`, `${w} <n>`]]));
  const buttons = Object.fromEntries(ANSWERS.map((w) => [buttonPayload(a.id, w), w]));
  return { kind: "approval", ref: String(a.id), conversationId: a.conversationId, words, buttons, nextMessageOnly: false, untilRun: false, askedAt: a.createdAt, detail: null, expiresAt: null };
}
