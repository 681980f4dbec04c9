// A run's tool calls as the private page lists them: the CLI's tool name and a short input (a
// command, a file path, a pattern), the VM's secrets redacted before anything is cut, the first
// MAX_RUN_TOOL_CALLS kept and the rest counted. Pure; the run tracker keeps the list.
import { MAX_RUN_TOOL_CALLS, type RunToolCall, type RunToolCalls } from "../../../src/protocol/vm/runs";
import { redactSecrets } from "./config-problem";
import { shortPath } from "./progress-line";

/** A call's input is cut to this many characters (with "…"). */
export const TOOL_INPUT_MAX_CHARS = 200;
const TOOL_NAME_MAX_CHARS = 200;

const str = (input: Record<string, unknown>, key: string): string | null => {
  const value = input[key];
  return typeof value === "string" && value.trim() !== "" ? value : null;
};

/** The one field that says what a known tool did; the rest of its input is left out. */
const MAIN_FIELD: Record<string, (input: Record<string, unknown>, cwd: string) => string | null> = {
  Bash: (input) => str(input, "command"),
  Read: (input, cwd) => filePath(input, cwd),
  Write: (input, cwd) => filePath(input, cwd),
  Edit: (input, cwd) => filePath(input, cwd),
  MultiEdit: (input, cwd) => filePath(input, cwd),
  NotebookEdit: (input, cwd) => filePath(input, cwd),
  Grep: (input) => str(input, "pattern"),
  Glob: (input) => str(input, "pattern"),
  WebFetch: (input) => str(input, "url"),
  WebSearch: (input) => str(input, "query"),
  Task: (input) => str(input, "description"),
  Agent: (input) => str(input, "description"),
};

function filePath(input: Record<string, unknown>, cwd: string): string | null {
  const file = str(input, "file_path") ?? str(input, "notebook_path") ?? str(input, "path");
  return file ? shortPath(file, cwd) : null;
}

/** Redacted first, then flattened to one line and cut: a cut never leaves part of a secret behind. */
function short(text: string, max: number, secrets: readonly string[]): string {
  const flat = redactSecrets(text, secrets).replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** What the page shows of one call: a known tool's main field, any other tool's input as compact JSON. */
export function summarizeToolCall(name: string, input: Record<string, unknown>, cwd: string, secrets: readonly string[]): RunToolCall {
  const main = MAIN_FIELD[name]?.(input, cwd);
  const text = main ?? (Object.keys(input).length === 0 ? "" : JSON.stringify(input));
  return { tool: short(name, TOOL_NAME_MAX_CHARS, secrets) || "?", input: short(text, TOOL_INPUT_MAX_CHARS, secrets) };
}

export const noToolCalls = (): RunToolCalls => ({ calls: [], more: 0 });

/** The list with one more call: kept while there is room, counted after. */
export function withToolCall(list: RunToolCalls, call: RunToolCall, max: number = MAX_RUN_TOOL_CALLS): RunToolCalls {
  return list.calls.length < max ? { calls: [...list.calls, call], more: list.more } : { calls: list.calls, more: list.more + 1 };
}
