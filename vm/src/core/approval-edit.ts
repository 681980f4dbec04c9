// A file edit's change as the user approves it: the file before and after a Write, Edit or MultiEdit,
// as a unified diff (secrets replaced, cut at a line to fit the event). Pure: the file's text comes in.
import { isAbsolute, relative } from "node:path";
import { structuredPatch, formatPatch } from "diff";
import { APPROVAL_EDIT_MAX_CHARS, type ApprovalEdit } from "../../../src/protocol/vm/approvals";
import { redactSecrets } from "./config-problem";

/** The tools whose input says the whole edit. */
const EDIT_TOOLS = new Set(["Write", "Edit", "MultiEdit"]);

const text = (input: Record<string, unknown>, key: string): string | null => (typeof input[key] === "string" ? (input[key] as string) : null);

/** One replacement as the CLI's Edit applies it (`replace_all`: every occurrence); null when old_string is not in the file. */
function replaced(before: string, edit: Record<string, unknown>): string | null {
  const from = text(edit, "old_string");
  const to = text(edit, "new_string");
  if (from === null || to === null) return null;
  if (from === "") return before === "" ? to : null;
  if (!before.includes(from)) return null;
  return edit.replace_all === true ? before.split(from).join(to) : before.replace(from, () => to);
}

/** The file after the edit, from its text before (null: no such file); null when the input does not say it. */
function after(tool: string, input: Record<string, unknown>, before: string | null): string | null {
  if (tool === "Write") return text(input, "content");
  if (tool === "Edit") return replaced(before ?? "", input);
  const edits = Array.isArray(input.edits) ? (input.edits as unknown[]) : [];
  let current: string | null = before ?? "";
  for (const edit of edits) {
    if (current === null || typeof edit !== "object" || edit === null) return null;
    current = replaced(current, edit as Record<string, unknown>);
  }
  return edits.length > 0 ? current : null;
}

/** The path the tool edits, for reading the file before the edit; null: not an edit this can show. */
export function editedPath(tool: string, input: Record<string, unknown>): string | null {
  return EDIT_TOOLS.has(tool) ? text(input, "file_path") : null;
}

/**
 * The edit's diff, or null when the tool is no file edit or its input cannot be applied to the file
 * (the CLI will refuse it too). `before`: the file's text now, null when it does not exist.
 */
export function approvalEdit(tool: string, input: Record<string, unknown>, before: string | null, where: { cwd: string; secrets: readonly string[] }): ApprovalEdit | null {
  const full = editedPath(tool, input);
  if (full === null) return null;
  // Named inside the project as the user knows it (`src/add.js`), whole outside it.
  const inside = relative(where.cwd, full);
  const path = inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : full;
  const next = after(tool, input, before);
  if (next === null) return null;
  const patch = structuredPatch(before === null ? "/dev/null" : `a/${path}`, `b/${path}`, before ?? "", next, undefined, undefined, { context: 3 });
  const lines = patch.hunks.flatMap((h) => h.lines);
  const added = lines.filter((l) => l.startsWith("+")).length;
  const removed = lines.filter((l) => l.startsWith("-")).length;
  // formatPatch writes an "Index:" and "====" header first; the diff starts at its "---" line.
  const whole = redactSecrets(formatPatch(patch).replace(/^[\s\S]*?(?=^--- )/m, ""), where.secrets);
  const cut = whole.length > APPROVAL_EDIT_MAX_CHARS;
  const diff = cut ? whole.slice(0, whole.lastIndexOf("\n", APPROVAL_EDIT_MAX_CHARS - 1) + 1) : whole;
  return { path, diff, added, removed, cut };
}
