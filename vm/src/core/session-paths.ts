// A Claude Code session carried between two working directories (hand-off): where the CLI keeps a
// directory's sessions, and a session's lines with one directory's paths put in another's place.

/**
 * The folder under `~/.claude/projects/` where the CLI keeps the sessions of working directory
 * `cwd`: every character but an ASCII letter or digit becomes "-" (one per UTF-16 unit, as the
 * CLI's JavaScript replaces them; observed with Claude Code 2.1.330, docs/notes/cli-observations.md).
 */
export function projectDirName(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, "-");
}

/** A path ends where a path's characters end: `/w/api` is not in `/w/api2`, but is in `/w/api/x` and `/w/api"`. */
const pathAt = (from: string) => new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9._~+@-]|[^\\x00-\\x7f])`, "g");

/** Every string inside `value` (keys too) with `from` replaced by `to` wherever it names that directory or a path under it. */
function rewriteValue(value: unknown, replace: (s: string) => string): unknown {
  if (typeof value === "string") return replace(value);
  if (Array.isArray(value)) return value.map((v) => rewriteValue(v, replace));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [replace(k), rewriteValue(v, replace)]));
  return value;
}

/**
 * A session file's lines (JSON Lines) with directory `from` put as `to` in every string of every
 * line: the `cwd` fields, tool calls' paths, what tools printed. Parsed, never edited as text, so a
 * path with quotes or backslashes stays valid JSON; a line that is not JSON is kept as it is.
 */
export function rewriteSessionPaths(jsonl: string, from: string, to: string): string {
  const source = from.replace(/\/+$/, "");
  const target = to.replace(/\/+$/, "");
  if (source === "" || source === target) return jsonl;
  const pattern = pathAt(source);
  const replace = (s: string) => (s.includes(source) ? s.replace(pattern, () => target) : s);
  return jsonl
    .split("\n")
    .map((line) => {
      if (line.trim() === "") return line;
      try {
        return JSON.stringify(rewriteValue(JSON.parse(line), replace));
      } catch {
        return line;
      }
    })
    .join("\n");
}

/**
 * A session's lines without the permission mode the VM's runs recorded (`permissionMode`): the
 * laptop's claude starts in the user's own mode, never the phone's. A line that is not JSON is kept.
 */
export function withoutPermissionMode(jsonl: string): string {
  return jsonl
    .split("\n")
    .map((line) => {
      if (!line.includes('"permissionMode"')) return line;
      try {
        const entry: unknown = JSON.parse(line);
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return line;
        const { permissionMode: _, ...rest } = entry as Record<string, unknown>;
        return JSON.stringify(rest);
      } catch {
        return line;
      }
    })
    .join("\n");
}

/** The user's prompts in a session file (a tool's result comes back as a "user" line too, and is not one). */
export function sessionTurns(jsonl: string): number {
  let turns = 0;
  for (const line of jsonl.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const entry = JSON.parse(line) as { type?: unknown; isSidechain?: unknown; isMeta?: unknown; message?: { content?: unknown } };
      const content = entry.message?.content;
      const prompt = typeof content === "string" || (Array.isArray(content) && content.some((b: { type?: unknown }) => b?.type === "text"));
      if (entry.type === "user" && entry.isSidechain !== true && entry.isMeta !== true && prompt) turns++;
    } catch {
      // not a line of the CLI's: not a turn
    }
  }
  return turns;
}
