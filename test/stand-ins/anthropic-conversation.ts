// Reads a Messages API request the way the offline model needs it (what the user said, in
// order, and which directives the latest text carries) and plans a deterministic reply: the
// directives' tool calls, the tool calls for a plain request it recognises (offline-intents.ts),
// or a canned text. Pure: no I/O, so the planning is tested without a server.
import { nextStep, OFFLINE_ABILITIES, recogniseIntent, workingDirectoryOf, type DoneCall, type Step } from "./offline-intents";
import { afterPlanStep, planApproved, planModeOf, planModeStep, type PlanModeState } from "./offline-plan";

/** A content block as the Messages API sends it; only the fields the stand-in reads. */
type Block = { type?: unknown; text?: unknown; tool_use_id?: unknown; content?: unknown; name?: unknown; id?: unknown; is_error?: unknown; source?: unknown };
type Message = { role?: unknown; content?: unknown };

/** Claude Code surfaces input that arrives mid-turn as a system message starting like this. */
const MID_TURN_PREFIX = "The user sent a new message while you were working:\n";
const MID_TURN_SUFFIX = "\n\nThis is how Claude Code surfaces";

export type ReplyPlan =
  | { kind: "error"; status: number; errorType: string; message: string; shouldRetry: boolean }
  | {
      kind: "tool_use";
      name: string;
      input: Record<string, unknown>;
      delayMs: number;
      /** Further `[[tool …]]` directives of the same text: more tool_use blocks in the same message (parallel calls). */
      also: Array<{ name: string; input: Record<string, unknown> }>;
    }
  | { kind: "text"; text: string; delayMs: number };

export type Conversation = {
  /** Every text the user wrote, in order: user turns and mid-turn messages alike; never the relay's notes in them. */
  userTexts: string[];
  /** The relay's own notes to the agent in the latest user turn ("[relay] The user undid…"): not the user's words. */
  relayNotes: string[];
  /** The tool result the model has not answered yet (the last message is its tool_result). */
  pendingToolResult: { toolName: string; text: string; isError: boolean } | null;
  /** Every unanswered tool result of that message (parallel calls), the first being `pendingToolResult`. */
  pendingToolResults: Array<{ toolName: string; text: string; isError: boolean }>;
  /** Tools offered in `tools`, and MCP tools the CLI defers (only listed by name in the prompt). */
  toolNames: string[];
  /** The tool calls made since the latest user text, in order, with what each answered. */
  turnCalls: DoneCall[];
  /** The project's directory, as the CLI's system prompt states it; null when it does not. */
  cwd: string | null;
  /** Whether the CLI's plan mode is on, and its plan file (offline-plan.ts). */
  planMode: PlanModeState;
};

function blocksOf(content: unknown): Block[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.filter((b): b is Block => typeof b === "object" && b !== null) : [];
}

/** An image block (a Read of a picture comes back as one) in words: "[image image/png, 162 bytes]". */
function imageText(source: unknown): string {
  const { media_type: type, data } = (typeof source === "object" && source !== null ? source : {}) as { media_type?: unknown; data?: unknown };
  const bytes = typeof data === "string" ? Buffer.from(data, "base64").length : 0;
  return `[image ${typeof type === "string" ? type : "of unknown type"}, ${bytes} bytes]`;
}

function textOf(block: Block): string {
  if (block.type === "image") return imageText(block.source);
  if (typeof block.text === "string") return block.text;
  if (typeof block.content === "string") return block.content;
  return blocksOf(block.content).map(textOf).join("\n");
}

function userTextsOf(message: Message): string[] {
  const blocks = blocksOf(message.content).filter((b) => b.type === "text");
  if (message.role === "user") return blocks.map(textOf).filter((t) => !t.startsWith("<system-reminder>"));
  if (message.role !== "system") return [];
  return blocks
    .map(textOf)
    .filter((t) => t.startsWith(MID_TURN_PREFIX))
    .map((t) => t.slice(MID_TURN_PREFIX.length).split(MID_TURN_SUFFIX)[0] ?? "");
}

/** A paragraph the relay adds to a user turn for the agent (src/runs/batching.ts, afterLast). */
const RELAY_NOTE = /^\[relay\] /;

/** A user turn's text parted into the user's own words and the relay's notes after them. */
export function relayNotesApart(text: string): { words: string; notes: string[] } {
  const paragraphs = text.split(/\n\s*\n/);
  const isNote = (p: string) => RELAY_NOTE.test(p.trim());
  return { words: paragraphs.filter((p) => !isNote(p)).join("\n\n").trim(), notes: paragraphs.filter(isNote).map((p) => p.trim()) };
}

/** Claude Code defers MCP tools behind its ToolSearch tool and names them in the prompt's text. */
const MCP_TOOL_NAME = /mcp__[A-Za-z0-9-]+__[A-Za-z0-9_-]+/g;

export function readConversation(body: { messages?: unknown; tools?: unknown; system?: unknown }): Conversation {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Message[];
  const offered = (Array.isArray(body.tools) ? body.tools : [])
    .map((t: { name?: unknown }) => t?.name)
    .filter((n): n is string => typeof n === "string");
  const whole = JSON.stringify([body.system ?? null, messages]);
  const deferred = whole.match(MCP_TOOL_NAME) ?? [];
  const toolNames = [...new Set([...offered, ...deferred])];
  const toolUseNames = new Map<string, string>();
  for (const m of messages) {
    for (const b of blocksOf(m.content)) {
      if (b.type === "tool_use" && typeof b.id === "string" && typeof b.name === "string") toolUseNames.set(b.id, b.name);
    }
  }
  // The tool result that is still unanswered: in the last user message, after the last assistant turn.
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const lastUserIndex = lastUser ? messages.lastIndexOf(lastUser) : -1;
  const answered = messages.slice(lastUserIndex + 1).some((m) => m.role === "assistant");
  const results = answered ? [] : blocksOf(lastUser?.content).filter((b) => b.type === "tool_result");
  const pendingToolResults = results.map((result) => ({
    toolName: toolUseNames.get(String(result.tool_use_id)) ?? "tool",
    text: textOf(result),
    isError: result.is_error === true,
  }));
  const texts = messages.flatMap(userTextsOf).map(relayNotesApart);
  return {
    userTexts: texts.map((t) => t.words).filter((words) => words !== ""),
    relayNotes: texts.at(-1)?.notes ?? [],
    pendingToolResult: pendingToolResults[0] ?? null,
    pendingToolResults,
    toolNames,
    turnCalls: turnCallsOf(messages),
    cwd: workingDirectoryOf(typeof body.system === "string" ? body.system : JSON.stringify(body.system ?? "")),
    planMode: planModeOf(whole),
  };
}

/** The tool calls after the last message with a user's own text, each with its result (if any). */
function turnCallsOf(messages: Message[]): DoneCall[] {
  const start = messages.map((m) => userTextsOf(m).length > 0).lastIndexOf(true);
  const results = new Map<string, Block>();
  const calls: Array<{ id: string; name: string; input: Record<string, unknown> }> = [];
  for (const m of messages.slice(start + 1)) {
    for (const b of blocksOf(m.content)) {
      if (m.role === "assistant" && b.type === "tool_use" && typeof b.id === "string" && typeof b.name === "string") {
        const input = (b as { input?: unknown }).input;
        calls.push({ id: b.id, name: b.name, input: typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {} });
      }
      if (b.type === "tool_result" && typeof b.tool_use_id === "string") results.set(b.tool_use_id, b);
    }
  }
  return calls.map(({ id, name, input }) => {
    const result = results.get(id);
    return { name, input, text: result ? textOf(result) : "", isError: result?.is_error === true };
  });
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function errorTypeOf(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/**
 * Every `[[tool NAME {json}]]` of the text, in order: the JSON may hold `]]`, so try each
 * closing `}]]` until one parses. Several directives are several tool_use blocks in one message.
 */
function toolDirectivesOf(text: string): Array<{ name: string; input: Record<string, unknown> }> {
  const found: Array<{ name: string; input: Record<string, unknown> }> = [];
  const heads = /\[\[tool ([A-Za-z0-9_:.-]+)\s+/g;
  for (let head = heads.exec(text); head; head = heads.exec(text)) {
    const rest = text.slice(head.index + head[0].length);
    for (let end = rest.indexOf("}]]"); end >= 0; end = rest.indexOf("}]]", end + 1)) {
      try {
        const input: unknown = JSON.parse(rest.slice(0, end + 1));
        if (typeof input === "object" && input !== null && !Array.isArray(input)) {
          found.push({ name: head[1] ?? "", input: input as Record<string, unknown> });
          heads.lastIndex = head.index + head[0].length + end + 3;
          break;
        }
      } catch {
        // Not the closing brace of the object yet: keep looking.
      }
    }
  }
  return found;
}

/** Directive names match the tool as given, or an MCP tool whose name ends in `__NAME`. */
function resolveToolName(name: string, toolNames: string[]): string {
  return toolNames.find((t) => t === name) ?? toolNames.find((t) => t.endsWith(`__${name}`)) ?? name;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A reply of exactly `length` characters with paragraphs and a code fence. */
export function longText(length: number): string {
  const parts = [
    "[offline model] A long answer follows, written to test splitting and formatting.\n\n",
    "```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```\n\n",
  ];
  for (let i = 1; parts.join("").length < length; i++) {
    parts.push(`Paragraph ${i}. The offline model writes plain sentences so the relay can split them at sentence and paragraph boundaries. `.repeat(3) + "\n\n");
  }
  return parts.join("").slice(0, Math.max(0, length));
}

export function planReply(conversation: Conversation): ReplyPlan {
  const { userTexts, pendingToolResults, relayNotes } = conversation;
  const latest = userTexts.at(-1) ?? "";
  const number = (re: RegExp) => (re.exec(latest) ? Number(re.exec(latest)?.[1] ?? 0) : null);
  const delayMs = number(/\[\[slow (\d+)\]\]/) ?? 0;
  const failStatus = number(/\[\[fail (\d{3})\]\]/);
  if (latest.includes("[[auth]]")) {
    return { kind: "error", status: 401, errorType: "authentication_error", message: "invalid x-api-key", shouldRetry: true };
  }
  if (failStatus !== null) {
    const message = `offline model failure ${failStatus} on request`;
    return { kind: "error", status: failStatus, errorType: errorTypeOf(failStatus), message, shouldRetry: false };
  }
  const relayTool = (name: string) => resolveToolName(name, conversation.toolNames);
  const stepOptions = { cwd: conversation.cwd, toolNames: conversation.toolNames, relayTool };
  const asPlan = (step: Step): ReplyPlan | null => {
    if (step.kind === "text") return { kind: "text", text: step.text, delayMs };
    const [first, ...also] = step.calls;
    return first ? { kind: "tool_use", name: first.name, input: first.input, delayMs: step.thinkMs ?? delayMs, also } : null;
  };
  // In plan mode, a plan presented for approval; after an approved plan, the request carried out
  // (a directive's text is the tests' own instruction, plan mode or not).
  if (!latest.includes("[[") && conversation.planMode.active) {
    const planned = asPlan(planModeStep(latest, conversation.planMode.planFile, conversation.turnCalls));
    if (planned) return planned;
  }
  if (!latest.includes("[[") && planApproved(conversation.turnCalls)) {
    const after = asPlan(afterPlanStep(latest, conversation.turnCalls, stepOptions));
    if (after) return after;
  }
  // A plain request the offline model understands: the tool calls a real model would make, step by step.
  const intent = recogniseIntent(latest);
  if (intent) {
    const step = asPlan(nextStep(intent, conversation.turnCalls, stepOptions));
    if (step) return step;
  }
  if (pendingToolResults.length > 0) {
    const lines = pendingToolResults.map((r) => `The ${r.toolName} tool ${r.isError ? "failed" : "answered"}: ${clip(r.text, 300)}`);
    return { kind: "text", text: `[offline model] ${lines.join(" ")}`, delayMs };
  }
  // The files the VM saved from the user's attachments ("The user sent an image: inbox/…"): each
  // read with the Read tool ([[read-attachments]]), or sent back with the relay's send_file ([[send-attachments]]).
  const saved = [...new Set(latest.match(/\binbox\/\d{4}-\d{2}-\d{2}-[0-9a-f]+\.[a-z0-9]+/g) ?? [])];
  const reads: Array<{ name: string; input: Record<string, unknown> }> = latest.includes("[[read-attachments]]") ? saved.map((path) => ({ name: "Read", input: { file_path: path } })) : [];
  if (latest.includes("[[send-attachments]]")) reads.push(...saved.map((path) => ({ name: resolveToolName("send_file", conversation.toolNames), input: { path, caption: "here it is back" } })));
  const [tool, ...also] = [...reads, ...toolDirectivesOf(latest).map((t) => ({ name: resolveToolName(t.name, conversation.toolNames), input: t.input }))];
  if (tool) return { kind: "tool_use", name: tool.name, input: tool.input, delayMs, also };
  const long = number(/\[\[long (\d+)\]\]/);
  if (long !== null) return { kind: "text", text: longText(long), delayMs };
  if (latest.includes("[[count]]")) {
    return { kind: "text", text: `[offline model] count: this conversation has seen ${userTexts.length} user message${userTexts.length === 1 ? "" : "s"}.`, delayMs };
  }
  const earlier = userTexts.slice(0, -1).slice(-5).map((t) => `«${clip(t, 40)}»`);
  // The relay's notes are its own words: said apart, never quoted as the user's.
  const noted = relayNotes.length > 0 ? `The relay told me: ${relayNotes.map((n) => `«${clip(n, 200)}»`).join(" ")}. ` : "";
  const text =
    `[offline model] You said: «${clip(latest, 200)}». ` +
    noted +
    `This conversation has ${userTexts.length} user message${userTexts.length === 1 ? "" : "s"}` +
    (earlier.length > 0 ? `; earlier: ${earlier.join(" ")}.` : ".") +
    ` ${OFFLINE_ABILITIES}`;
  return { kind: "text", text, delayMs };
}
