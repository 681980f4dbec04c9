// What a run changed in its workspace (its diff and files), and an undo or redo of it.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { IdSchema } from "./ids";
import { WorkspaceIdSchema } from "./workspaces";

/** A run's diff is cut at 2 MiB of UTF-8 (with a note line); the schema leaves room for the note. */
export const RUN_DIFF_MAX_CHARS = 2 * 1024 * 1024 + 200;

/** One file a run changed (renames show as a deletion and an addition). */
export const RunChangeFileSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(4096)),
  status: z.enum(["added", "modified", "deleted"]),
  insertions: z.number().check(z.int(), z.nonnegative()),
  deletions: z.number().check(z.int(), z.nonnegative()),
  /** Git saw binary content: no line counts. */
  binary: z.optional(z.literal(true)),
});
export type RunChangeFile = z.infer<typeof RunChangeFileSchema>;

/** The diff's HTML is cut at this many of its lines (with a note counting the rest): the page stays light. */
export const DIFF_HTML_MAX_LINES = 3_000;
export const DIFF_HTML_MAX_CHARS = 2 * 1024 * 1024;
/**
 * Markup the diff's HTML may hold: diff2html's own elements and attributes only, and the anchors of
 * a review's comments (`data-file`: a path, as text; `data-side`: old, new or file; `data-line`: a
 * number). Code and file names are text (`&lt;`), so any other tag or attribute (a script, a
 * handler, a style, a link) or an anchor of another shape is not the VM's work and the HTML is
 * refused. The Worker puts it in the page as it is.
 */
const DIFF_HTML_TAG = /<\/?([A-Za-z][A-Za-z0-9-]*)((?:\s+[a-z][a-z0-9-]*(?:="[^"<>]*")?)*)\s*\/?>|</g;
const DIFF_HTML_ELEMENTS = new Set(["div", "span", "table", "tbody", "tr", "td", "del", "ins", "p"]);
/** Each attribute allowed, and what its value must be (null: any text, which cannot hold a quote or `<`). */
const DIFF_HTML_ATTRIBUTES = new Map<string, RegExp | null>([
  ["class", null],
  ["id", null],
  ["data-lang", null],
  ["data-file", /^[^"]{1,4096}$/],
  ["data-side", /^(old|new|file)$/],
  ["data-line", /^[1-9][0-9]{0,8}$/],
]);
/** Whether `html` holds only that markup (text between tags is not looked at: it cannot hold a `<`). */
export function isSafeDiffHtml(html: string): boolean {
  for (const m of html.matchAll(DIFF_HTML_TAG)) {
    if (!m[1] || !DIFF_HTML_ELEMENTS.has(m[1].toLowerCase())) return false;
    for (const a of (m[2] ?? "").matchAll(/([a-z][a-z0-9-]*)(?:="([^"]*)")?/g)) {
      const shape = DIFF_HTML_ATTRIBUTES.get(a[1]!);
      if (shape === undefined || (shape !== null && !shape.test(a[2] ?? ""))) return false;
    }
  }
  return true;
}
export const DiffHtmlSchema = z.string().check(z.maxLength(DIFF_HTML_MAX_CHARS), z.refine(isSafeDiffHtml, "markup diff2html does not make"));

/**
 * What a run changed in its workspace, between the VM's checkpoints before and after it (present
 * only when it changed files). `diff`: the unified diff, the VM's secrets redacted, `.env`-like
 * files shown as the keys that changed (never values), cut at 2 MiB with a note (`truncated`).
 * Files over 1 MiB and ignored files are not in it (`oversized`: files recorded by size only).
 */
export const RunChangeSchema = z.object({
  files: z.array(RunChangeFileSchema).check(z.maxLength(10_000)),
  diff: z.string().check(z.maxLength(RUN_DIFF_MAX_CHARS)),
  truncated: z.boolean(),
  oversized: z.optional(z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(1000))),
  /** The same diff as HTML for the private page (`DiffHtmlSchema`); one that fails it is dropped, never the event. */
  diffHtml: z.catch(z.optional(DiffHtmlSchema), undefined),
});
export type RunChange = z.infer<typeof RunChangeSchema>;

/**
 * `POST VM_ROUTES.workspaceUndo` / `workspaceRedo`: 200. `runId`: the run whose change was taken
 * back (undo) or put back (redo); `files`: the files that changed on disk by this step;
 * `cannotRestore`: what it left as it is (oversized or ignored files, commits and pushes).
 * 404 `unknown_workspace`; 409 `workspace_busy` (a run is live there, named in `message`) or
 * `nothing_to_undo` / `nothing_to_redo`.
 */
export const CheckpointRestoredSchema = z.object({
  workspace: WorkspaceIdSchema,
  runId: IdSchema,
  files: z.array(RunChangeFileSchema),
  cannotRestore: z.array(z.string().check(z.maxLength(500))),
});
export type CheckpointRestored = z.infer<typeof CheckpointRestoredSchema>;
