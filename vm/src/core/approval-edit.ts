// A file edit's change as the user approves it: the file before and after a Write, Edit or MultiEdit,
// a notebook cell's source before and after a NotebookEdit, the files before and after a command
// that edits them in place (`sed -i`, `perl -pi`: core/in-place-edit.ts), as a unified diff
// (secrets replaced, cut at a line to fit the event). Pure: the files' text comes in.
import { isAbsolute, relative, resolve } from "node:path";
import * as z from "zod";
import { structuredPatch, formatPatch } from "diff";
import { APPROVAL_EDIT_MAX_CHARS, type ApprovalEdit } from "../../../src/protocol/vm/approvals";
import { redactSecrets } from "./config-problem";
import { inPlaceEditOf } from "./in-place-edit";
import { hunkHeader } from "./unified-diff";

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

/** The paths the tool edits, for reading the files before the edit; null: not an edit this can show. */
export function editedPaths(tool: string, input: Record<string, unknown>): string[] | null {
  if (EDIT_TOOLS.has(tool)) return text(input, "file_path") === null ? null : [text(input, "file_path")!];
  if (tool === "NotebookEdit") return text(input, "notebook_path") === null ? null : [text(input, "notebook_path")!];
  const command = tool === "Bash" ? text(input, "command") : null;
  return command === null ? null : (inPlaceEditOf(command)?.files ?? null);
}

/** Named inside the project as the user knows it (`src/add.js`), whole outside it. */
function shownPath(full: string, cwd: string): string {
  const inside = relative(cwd, resolve(cwd, full));
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : full;
}

type FileChange = { from: string; to: string; before: string; after: string };

/** The changes as one diff, its lines counted over all of it, secrets replaced, cut at a line past the limit. */
function editOfChanges(path: string, changes: readonly FileChange[], secrets: readonly string[]): ApprovalEdit {
  let added = 0;
  let removed = 0;
  const parts = changes.map((c) => {
    const patch = structuredPatch(c.from, c.to, c.before, c.after, undefined, undefined, { context: 3 });
    const lines = patch.hunks.flatMap((h) => h.lines);
    added += lines.filter((l) => l.startsWith("+")).length;
    removed += lines.filter((l) => l.startsWith("-")).length;
    // formatPatch writes an "Index:" and "====" header first; the diff starts at its "---" line.
    // Its hunk headers always carry both counts (`@@ -1,1 +1,1 @@`): written as git writes them.
    return formatPatch(patch)
      .replace(/^[\s\S]*?(?=^--- )/m, "")
      .replace(/^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/gm, (_, a: string, b: string, c: string, d: string) => hunkHeader(Number(a), Number(b), Number(c), Number(d)));
  });
  const whole = redactSecrets(parts.join(""), secrets);
  const cut = whole.length > APPROVAL_EDIT_MAX_CHARS;
  const diff = cut ? whole.slice(0, whole.lastIndexOf("\n", APPROVAL_EDIT_MAX_CHARS - 1) + 1) : whole;
  return { path, diff, added, removed, cut };
}

const NotebookSchema = z.object({ cells: z.array(z.object({ id: z.string().optional(), cell_type: z.string().optional(), source: z.union([z.string(), z.array(z.string())]) }).loose()) }).loose();

/**
 * A NotebookEdit as the CLI applies it: `cell_id` names a cell by its id (or `cell-N`, its index,
 * for a notebook whose cells have none); `replace` (the default) gives it `new_source`, `delete`
 * removes it, `insert` adds a cell after it (first without one). The cell's source before and after.
 */
function notebookCellEdit(input: Record<string, unknown>, notebook: string): { cell: string; before: string; after: string } | null {
  let parsed: z.infer<typeof NotebookSchema>;
  try {
    const read = NotebookSchema.safeParse(JSON.parse(notebook));
    if (!read.success) return null;
    parsed = read.data;
  } catch {
    return null;
  }
  const mode = input.edit_mode ?? "replace";
  const id = text(input, "cell_id");
  const source = text(input, "new_source");
  const byIndex = id === null ? null : /^cell-(\d+)$/.exec(id);
  const index = id === null ? -1 : parsed.cells.findIndex((c, i) => c.id === id || (c.id === undefined && byIndex !== null && Number(byIndex[1]) === i));
  const sourceOf = (i: number) => [parsed.cells[i]!.source].flat().join("");
  if (mode === "insert") return source === null || (id !== null && index === -1) ? null : { cell: `new cell after ${id ?? "the start"}`, before: "", after: source };
  if (index === -1) return null;
  if (mode === "delete") return { cell: `cell ${id}`, before: sourceOf(index), after: "" };
  return mode === "replace" && source !== null ? { cell: `cell ${id}`, before: sourceOf(index), after: source } : null;
}

/**
 * The edit's diff, or null when the tool is no file edit this can show or its input cannot be
 * applied to the files (the CLI or the command will refuse it too). `before`: each edited path's
 * text now (as `editedPaths` names them), null when it does not exist.
 */
export function approvalEdit(tool: string, input: Record<string, unknown>, before: string | null | ((path: string) => string | null), where: { cwd: string; secrets: readonly string[] }): ApprovalEdit | null {
  const paths = editedPaths(tool, input);
  if (paths === null) return null;
  const read = typeof before === "function" ? before : () => before;
  if (tool === "Bash") {
    const edit = inPlaceEditOf(text(input, "command")!)!;
    const changes: FileChange[] = [];
    for (const file of paths) {
      const was = read(file);
      // A file that is not there: sed and perl fail on it, so there is no edit to show.
      if (was === null) return null;
      const shown = shownPath(file, where.cwd);
      changes.push({ from: `a/${shown}`, to: `b/${shown}`, before: was, after: edit.apply(was) });
    }
    const named = paths.map((file) => shownPath(file, where.cwd)).join(", ");
    // The event's path holds 1,000 characters: past that, the first file and a count.
    const label = named.length <= 1000 ? named : `${shownPath(paths[0]!, where.cwd).slice(0, 900)} and ${paths.length - 1} more files`;
    return editOfChanges(label, changes, where.secrets);
  }
  const path = shownPath(paths[0]!, where.cwd);
  if (tool === "NotebookEdit") {
    const notebook = read(paths[0]!);
    const cell = notebook === null ? null : notebookCellEdit(input, notebook);
    return cell ? editOfChanges(path, [{ from: `a/${path} (${cell.cell})`, to: `b/${path} (${cell.cell})`, before: cell.before, after: cell.after }], where.secrets) : null;
  }
  const was = read(paths[0]!);
  const next = after(tool, input, was);
  if (next === null) return null;
  return editOfChanges(path, [{ from: was === null ? "/dev/null" : `a/${path}`, to: `b/${path}`, before: was ?? "", after: next }], where.secrets);
}
