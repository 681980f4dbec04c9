// A run's diff as HTML for the private page, drawn by diff2html from the same redacted (and cut)
// diff the relay gets as text: its first DIFF_HTML_MAX_LINES lines, a note counting the rest.
// diff2html escapes code and file names; what it adds for its own script-driven viewer (the
// "Viewed" checkbox, the file icon) is removed, the templates' indentation dropped, ids too (the
// page is the same for the same diff), and the result is checked against the protocol's
// allowlist: anything else is no HTML at all. `.env`-like sections (keys only) and the 2 MiB
// cut note, which are not git's, are written here as text. Each code row names its anchor for a
// review comment (`data-file`, `data-side`, `data-line`) and each file header its file (`data-side`
// "file"): two of diff2html's templates are given here with those attributes added. Pure.
import { html as diff2html } from "diff2html";
import { DIFF_HTML_MAX_CHARS, DIFF_HTML_MAX_LINES, isSafeDiffHtml } from "../../../src/protocol/vm/changes";
import { isEnvLike } from "./run-change";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A section of the diff: one file's `diff --git` header and what follows it up to the next. */
type Section = { path: string | null; text: string };

function sectionsOf(diff: string): { sections: Section[]; cutNote: string | null } {
  const lines = diff.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const cutNote = /^\[diff cut at .*\]$/.test(lines.at(-1) ?? "") ? lines.pop()! : null;
  const sections: Section[] = [];
  for (const line of lines) {
    const header = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
    if (header || sections.length === 0) sections.push({ path: header?.[2] ?? null, text: "" });
    sections.at(-1)!.text += `${line}\n`;
  }
  return { sections, cutNote };
}

/** An `.env`-like file's section (checkpoints.ts envDiffSection): its header, then `# ` lines only. */
function isEnvSection(s: Section): boolean {
  const rest = s.text.split("\n").slice(1).filter(Boolean);
  return s.path !== null && isEnvLike(s.path) && rest.length > 0 && rest.every((line) => line.startsWith("# "));
}

function envSectionHtml(s: Section): string {
  const [, title, ...keys] = s.text.split("\n").filter(Boolean);
  const items = keys.map((line) => {
    const kind = line.startsWith("# + ") ? "d2h-ins" : line.startsWith("# - ") ? "d2h-del" : "d2h-cntx";
    return `<div class="d2h-code-line ${kind}">${escapeHtml(line.slice(2))}</div>`;
  });
  return `<div class="d2h-file-wrapper d2h-env"><div class="d2h-file-header" data-file="${escapeHtml(s.path ?? "")}" data-side="file"><span class="d2h-file-name">${escapeHtml(s.path ?? "")}</span></div><p class="d2h-env-note">${escapeHtml((title ?? "").slice(2))}</p>${items.join("")}</div>`;
}

/**
 * diff2html's row and file templates (mustache, escaped by `{{ }}`) with a review's anchor added. A
 * deleted line is on the old side, an added or unchanged one on the new (the file as it is now); a
 * deleted file is named by its old path (its new one is /dev/null).
 */
const FILE_PATH = "{{#file.isDeleted}}{{file.oldName}}{{/file.isDeleted}}{{^file.isDeleted}}{{file.newName}}{{/file.isDeleted}}";
const REVIEW_TEMPLATES = {
  "generic-line": `<tr data-file="${FILE_PATH}" {{#line.newNumber}}data-side="new" data-line="{{line.newNumber}}"{{/line.newNumber}}{{^line.newNumber}}data-side="old" data-line="{{line.oldNumber}}"{{/line.newNumber}}>
<td class="{{lineClass}} {{type}}">{{{lineNumber}}}</td>
<td class="{{type}}"><div class="{{contentClass}}">{{#prefix}}<span class="d2h-code-line-prefix">{{{prefix}}}</span>{{/prefix}}{{^prefix}}<span class="d2h-code-line-prefix">&nbsp;</span>{{/prefix}}{{#content}}<span class="d2h-code-line-ctn">{{{content}}}</span>{{/content}}{{^content}}<span class="d2h-code-line-ctn"></span>{{/content}}</div></td>
</tr>`,
  "line-by-line-file-diff": `<div id="{{fileHtmlId}}" class="d2h-file-wrapper" data-lang="{{file.language}}">
<div class="d2h-file-header" data-file="${FILE_PATH}" data-side="file">{{{filePath}}}</div>
<div class="d2h-file-diff"><div class="d2h-code-wrapper"><table class="d2h-diff-table"><tbody class="d2h-diff-tbody">{{{diffs}}}</tbody></table></div></div>
</div>`,
};

/** What diff2html makes for its script-driven viewer, and what the page has no use for. */
function trimmed(html: string): string {
  return html
    .replace(/<label class="d2h-file-collapse">[\s\S]*?<\/label>/g, "")
    .replace(/<svg[\s\S]*?<\/svg>/g, "")
    .replace(/ id="d2h-\d+"/g, "")
    // Code never holds a line break (one diff line is one row): every one is the templates' indentation.
    .replace(/\s*\n\s*/g, "");
}

/**
 * The diff's HTML, or null when there is nothing to draw or it would not pass the allowlist (then
 * the page says the diff has no HTML; the text diff is kept all the same).
 */
export function diffToHtml(diff: string, maxLines: number = DIFF_HTML_MAX_LINES): string | null {
  const { sections, cutNote } = sectionsOf(diff);
  const env = sections.filter(isEnvSection);
  const lines = sections.filter((s) => !isEnvSection(s)).flatMap((s) => s.text.split("\n").slice(0, -1));
  const shown = lines.slice(0, maxLines);
  const notes = [
    ...(lines.length > shown.length ? [`${lines.length - shown.length} more lines of this diff are not shown here.`] : []),
    ...(cutNote ? [cutNote.slice(1, -1)] : []),
  ];
  const body = shown.length > 0 ? trimmed(diff2html(`${shown.join("\n")}\n`, { drawFileList: false, outputFormat: "line-by-line", rawTemplates: REVIEW_TEMPLATES })) : "";
  const html = body + env.map(envSectionHtml).join("") + notes.map((note) => `<p class="d2h-cut">${escapeHtml(note)}</p>`).join("");
  if (html === "" || html.length > DIFF_HTML_MAX_CHARS || !isSafeDiffHtml(html)) return null;
  return html;
}
