// One short line for the user about a tool the agent is using ("Running: npm test").
// Only the tool and its target: never the model's own text.
import { isAbsolute, relative } from "node:path";

const MAX = 120;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX ? flat : `${flat.slice(0, MAX - 1)}…`;
}

/** Paths inside the workspace are shown relative to it; others as given. */
export function shortPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function str(input: Record<string, unknown>, key: string): string | null {
  const value = input[key];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

type Describe = (input: Record<string, unknown>, cwd: string) => string | null;

const path = (verb: string): Describe => (input, cwd) => {
  const file = str(input, "file_path") ?? str(input, "notebook_path") ?? str(input, "path");
  return file ? `${verb} ${shortPath(file, cwd)}` : null;
};

const DESCRIBE: Record<string, Describe> = {
  Bash: (input) => (str(input, "command") ? `Running: ${str(input, "command")}` : null),
  Edit: path("Editing"),
  MultiEdit: path("Editing"),
  Write: path("Writing"),
  NotebookEdit: path("Editing"),
  Read: path("Reading"),
  Grep: (input) => (str(input, "pattern") ? `Searching for ${str(input, "pattern")}` : null),
  Glob: (input) => (str(input, "pattern") ? `Listing ${str(input, "pattern")}` : null),
  WebFetch: (input) => (str(input, "url") ? `Fetching ${str(input, "url")}` : null),
  WebSearch: (input) => (str(input, "query") ? `Searching the web for ${str(input, "query")}` : null),
  Task: (input) => (str(input, "description") ? `Delegating: ${str(input, "description")}` : null),
  Agent: (input) => (str(input, "description") ? `Delegating: ${str(input, "description")}` : null),
};

/** Bookkeeping tools the user does not need to hear about. */
const SILENT = new Set(["TodoWrite", "ToolSearch", "TaskStop", "ExitPlanMode"]);

export function describeToolUse(name: string, input: Record<string, unknown>, cwd: string): string | null {
  if (SILENT.has(name)) return null;
  const line = DESCRIBE[name]?.(input, cwd);
  const mcp = /^mcp__([^_]+(?:_[^_]+)*)__(.+)$/.exec(name);
  return oneLine(line ?? (mcp ? `Using ${mcp[2]} (${mcp[1]})` : `Using ${name}`));
}
