// The `/diff` picture, the pure part: a unified diff drawn as an SVG to be read on a phone, rows
// for the file headers, hunk headers and lines, added lines tinted green and removed red, with
// syntax colours; long lines wrap, each row that carries one on marked; at most two screens tall,
// then a count of the rest. Every piece of text (paths, code, git's section names) comes from the
// agent's workspace and is escaped here, once. A `.env`-like file shows which keys changed, never
// their values.
import { displayPath, parseUnifiedDiff, type DiffFile, type DiffLine } from "./unified-diff";
import { languageOf, tokenizeLines, type Token } from "./syntax-tokens";

/**
 * Sized for a phone, where the picture is opened full screen at the screen's width: 720 px wide,
 * type 24 px (1/30 of the width: about 13 px on a 390 pt wide phone, body-text size), and at most
 * 2560 px tall (two 16:9 screens of that width: 2 × 720 × 16/9). The longest side, 2560, is the
 * largest a Telegram photo keeps, and the picture is far within sendPhoto's limits (≤ 10 MB,
 * width + height ≤ 10000, sides' ratio ≤ 20), so it is not recompressed into a blur.
 */
export const PICTURE_WIDTH = 720;
export const MAX_PICTURE_HEIGHT = 2560;
export const FONT_SIZE = 24;
export const FONT_FAMILY = "DejaVu Sans Mono";

/** DejaVu Sans Mono's advance is 1233/2048 em. */
const CHAR_WIDTH = (FONT_SIZE * 1233) / 2048;
const ROW_HEIGHT = 32;
/** Below the row's top: the baseline of its text, which sits a little under the row's middle. */
const BASELINE = 24;
const PAD = 10;
/** Before a file header and before the footer. */
const GAP = 12;
/** Characters between the left and right padding: paths, headers and the footer wrap or are cut at this. */
export const ROW_COLUMNS = Math.floor((PICTURE_WIDTH - 2 * PAD) / CHAR_WIDTH);
/** A line of code takes at most this many rows; the rest of it is cut with "…". */
export const MAX_ROWS_PER_LINE = 6;
const MAX_PATH_ROWS = 3;
/** Drawn in the number column of each row that carries on the line above it. */
export const CONTINUATION_MARK = "↪";
const TAB = "    ";

/** GitHub's light theme: the colours a developer reads diffs in every day. */
const COLOURS = {
  background: "#ffffff",
  text: "#1f2328",
  muted: "#59636e",
  border: "#d1d9e0",
  fileHeader: "#f6f8fa",
  hunkHeader: "#ddf4ff",
  addRow: "#e6ffec",
  addGutter: "#ccffd8",
  addSign: "#1a7f37",
  delRow: "#ffebe9",
  delGutter: "#ffd7d5",
  delSign: "#d1242f",
} as const;

const SCOPE_COLOURS: Record<string, string> = {
  keyword: "#cf222e", "meta-keyword": "#cf222e", doctag: "#cf222e", "template-tag": "#cf222e", "template-variable": "#cf222e", type: "#cf222e",
  string: "#0a3069", regexp: "#0a3069", "meta-string": "#0a3069",
  comment: "#6e7781", quote: "#6e7781",
  number: "#0550ae", literal: "#0550ae", attr: "#0550ae", attribute: "#0550ae", symbol: "#0550ae", meta: "#0550ae", operator: "#0550ae", variable: "#0550ae", property: "#0550ae", "selector-attr": "#0550ae", "selector-class": "#0550ae", "selector-id": "#0550ae",
  title: "#8250df", "title.function": "#8250df", section: "#0550ae",
  built_in: "#953800", params: "#1f2328", "title.class": "#953800",
  name: "#116329", tag: "#116329", "selector-tag": "#116329", bullet: "#953800", code: "#0a3069", emphasis: "#1f2328", strong: "#1f2328",
};

export type PictureRow =
  | { kind: "summary"; text: string }
  /** A file's header: its path, wrapped over rows when long; `stats` on its last row; `first` draws the rule above it. */
  | { kind: "file"; path: string; stats: string; first: boolean }
  | { kind: "hunk"; text: string }
  /** One row of a line of code: `continued` when it carries on the row above, `cut` when the line ends in "…". */
  | { kind: "line"; line: DiffLine; tokens: Token[]; continued: boolean; cut: boolean }
  | { kind: "more"; text: string };

export type DiffPicture = {
  svg: string;
  width: number;
  height: number;
  /** The rows drawn, in order: what the picture shows, for tests and the caller's summary. */
  rows: PictureRow[];
  linesShown: number;
  linesHidden: number;
  files: { path: string; insertions: number; deletions: number }[];
};

/** `.env`, `.env.local`, `prod.env`, `.envrc`: files whose values are secrets by convention. */
export function isEnvFile(path: string): boolean {
  const name = path.split("/").at(-1) ?? "";
  return /^\.env(\..+)?$/.test(name) || name === ".envrc" || /\.env$/.test(name);
}

/** An env file's line with its value hidden: `KEY=…`. Anything not a plain assignment is hidden whole. */
export function envLineShown(text: string): string {
  const assignment = /^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(text);
  if (assignment) return `${assignment[1] ?? ""}${assignment[2]}=… (value hidden)`;
  return text.trim() === "" ? "" : "… (line hidden)";
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[char]};`);
}

/** Characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/F) become U+FFFD; tabs become spaces. */
export function xmlSafe(text: string): string {
  return text
    .replace(/\t/g, TAB)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** Where a line of code may wrap: after a space, `,`, `;`, `(`, or a `.` before a name (`req.headers`, not `../src`), so names stay whole. */
const codeBreak = (before: string, after: string) => /[ ,;(]/.test(before) || (before === "." && /[A-Za-z_$]/.test(after));
const spaceBreak = (before: string) => before === " ";
const pathBreak = (before: string) => before === "/";

/** Where each row of `chars` starts when they are wrapped at `columns`: after the last `breakAfter` in the row's second half when there is one, else at the column. */
function rowStarts(chars: readonly string[], columns: number, breakAfter: (before: string, after: string) => boolean): number[] {
  const starts = [0];
  let at = 0;
  while (chars.length - at > columns) {
    let end = at + columns;
    for (let k = end; k > at + columns / 2; k--) {
      if (breakAfter(chars[k - 1] ?? "", chars[k] ?? "")) {
        end = k;
        break;
      }
    }
    starts.push(end);
    at = end;
  }
  return starts;
}

/** Text wrapped at `columns`, breaking after spaces. */
export function wrapText(text: string, columns: number): string[] {
  const chars = Array.from(text);
  const starts = rowStarts(chars, columns, spaceBreak);
  return starts.map((start, i) => chars.slice(start, starts[i + 1] ?? chars.length).join(""));
}

/** Text cut to `columns`, ending in "…" when something was cut. */
function cutText(text: string, columns: number): string {
  const chars = Array.from(text);
  return chars.length <= columns ? text : `${chars.slice(0, columns - 1).join("")}…`;
}

/** Consecutive characters of one scope joined back into tokens. */
function regroup(chars: readonly { char: string; scope: string | null }[]): Token[] {
  const tokens: Token[] = [];
  for (const { char, scope } of chars) {
    const last = tokens.at(-1);
    if (last && last.scope === scope) last.text += char;
    else tokens.push({ text: char, scope });
  }
  return tokens;
}

/** A line's tokens wrapped into rows of `columns`, at most MAX_ROWS_PER_LINE; a longer line's last row ends in "…". */
export function wrapTokens(tokens: readonly Token[], columns: number): { rows: Token[][]; cut: boolean } {
  const chars = tokens.flatMap((t) => Array.from(t.text, (char) => ({ char, scope: t.scope })));
  const starts = rowStarts(chars.map((c) => c.char), columns, codeBreak);
  if (starts.length <= MAX_ROWS_PER_LINE) return { rows: starts.map((start, i) => regroup(chars.slice(start, starts[i + 1] ?? chars.length))), cut: false };
  const kept = starts.slice(0, MAX_ROWS_PER_LINE);
  const rows = kept.map((start, i) => regroup(chars.slice(start, kept[i + 1] ?? start + columns - 1)));
  rows[rows.length - 1]!.push({ text: "…", scope: null });
  return { rows, cut: true };
}

function fileStats(file: DiffFile): string {
  if (file.binary) return "binary";
  const renamed = file.status === "renamed" ? `renamed from ${file.oldPath ?? ""} · ` : "";
  const status = file.status === "added" ? "new · " : file.status === "deleted" ? "deleted · " : renamed;
  return `${status}+${file.insertions} −${file.deletions}`;
}

/** A file's header rows: the path and its stats on one row when they fit; else the path wrapped after its "/"s (its start cut when even MAX_PATH_ROWS rows are too few), the stats on the last row or one of their own. */
export function fileHeaderRows(path: string, stats: string): PictureRow[] {
  const chars = Array.from(path);
  if (chars.length + 2 + Array.from(stats).length <= ROW_COLUMNS) return [{ kind: "file", path, stats, first: true }];
  const room = ROW_COLUMNS * MAX_PATH_ROWS;
  const shown = chars.length > room ? ["…", ...chars.slice(chars.length - room + 1)] : chars;
  const starts = rowStarts(shown, ROW_COLUMNS, pathBreak);
  const parts = starts.map((start, i) => shown.slice(start, starts[i + 1] ?? shown.length).join(""));
  const rows: PictureRow[] = parts.map((part, i) => ({ kind: "file", path: part, stats: "", first: i === 0 }));
  const last = parts.at(-1) ?? "";
  if (Array.from(last).length + 2 + Array.from(stats).length <= ROW_COLUMNS) rows[rows.length - 1] = { kind: "file", path: last, stats, first: rows.length === 1 };
  else rows.push({ kind: "file", path: "", stats, first: false });
  return rows;
}

/** The number a line is known by in its file: the new one, or the old one for a removed line. */
const lineNumber = (line: DiffLine) => line.newNumber ?? line.oldNumber;

/** The width of the number column: the digits of the largest number the picture could show (2 to 5). */
function numberDigits(files: readonly DiffFile[]): number {
  let left = Math.floor(MAX_PICTURE_HEIGHT / ROW_HEIGHT);
  let largest = 0;
  for (const file of files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (left-- <= 0) return Math.min(5, Math.max(2, String(largest).length));
        largest = Math.max(largest, lineNumber(line) ?? 0);
      }
    }
  }
  return Math.min(5, Math.max(2, String(largest).length));
}

/** Rows that stand or fall together at the picture's foot: a file's header, a hunk's, one line of code. */
type Block = { rows: PictureRow[]; gap: number; lines: number; file: number; header: "file" | "hunk" | null };

const blockHeight = (block: Block) => block.gap + block.rows.length * ROW_HEIGHT;

export type PictureLayout = { rows: PictureRow[]; ys: number[]; height: number; digits: number; linesShown: number; linesHidden: number };

/**
 * The rows to draw and where: files, hunks and lines in order, as many as MAX_PICTURE_HEIGHT
 * holds. When some are left out, the picture ends on whole lines (no header without a line under
 * it) and a footer counts what is left. Only the lines that could fit are highlighted: a 2 MB
 * hunk costs no more than a short one.
 */
export function pictureLayout(files: readonly DiffFile[]): PictureLayout {
  const insertions = files.reduce((n, f) => n + f.insertions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  const totalLines = files.reduce((n, f) => n + f.hunks.reduce((m, h) => m + h.lines.length, 0), 0);
  const digits = numberDigits(files);
  const codeColumns = ROW_COLUMNS - digits - 2;
  const summary = cutText(`${files.length} ${files.length === 1 ? "file" : "files"} changed, +${insertions} −${deletions}`, ROW_COLUMNS);
  const blocks: Block[] = [{ rows: [{ kind: "summary", text: summary }], gap: 0, lines: 0, file: -1, header: null }];
  const limit = MAX_PICTURE_HEIGHT - PAD;
  let bottom = PAD + ROW_HEIGHT;
  let overflow = false;
  const add = (block: Block): boolean => {
    if (bottom + blockHeight(block) > limit) return !(overflow = true);
    blocks.push(block);
    bottom += blockHeight(block);
    return true;
  };

  files: for (const [index, file] of files.entries()) {
    const path = displayPath(file);
    if (!add({ rows: fileHeaderRows(xmlSafe(path), xmlSafe(fileStats(file))), gap: GAP, lines: 0, file: index, header: file.hunks.length > 0 ? "file" : null })) break;
    const env = isEnvFile(path);
    const language = env ? null : languageOf(path);
    for (const hunk of file.hunks) {
      // git's section name is a line of the file: an env file's may hold a value.
      const text = cutText(xmlSafe(env || hunk.section === "" ? hunk.range : `${hunk.range} ${hunk.section}`), ROW_COLUMNS);
      if (!add({ rows: [{ kind: "hunk", text }], gap: 0, lines: 0, file: index, header: "hunk" })) break files;
      // Each line takes a row at least: the lines past the rows left cannot fit.
      const shown = hunk.lines.slice(0, Math.max(0, Math.floor((limit - bottom) / ROW_HEIGHT))).map((line) => (env ? { ...line, text: envLineShown(line.text) } : line));
      const tokenLines = tokenizeLines(shown.map((l) => xmlSafe(l.text)).join("\n"), language);
      for (const [i, line] of shown.entries()) {
        const { rows, cut } = wrapTokens(tokenLines[i] ?? [], codeColumns);
        const lineRows: PictureRow[] = rows.map((tokens, r) => ({ kind: "line", line, tokens, continued: r > 0, cut: cut && r === rows.length - 1 }));
        if (!add({ rows: lineRows, gap: 0, lines: 1, file: index, header: null })) break files;
      }
      if (shown.length < hunk.lines.length) {
        overflow = true;
        break files;
      }
    }
  }

  if (overflow) {
    // Room for the footer (two rows hold its longest text), then no header left hanging.
    while (blocks.length > 1 && bottom + GAP + 2 * ROW_HEIGHT > limit) bottom -= blockHeight(blocks.pop()!);
    while (blocks.length > 1 && blocks.at(-1)!.header !== null) bottom -= blockHeight(blocks.pop()!);
  }
  const linesShown = blocks.reduce((n, b) => n + b.lines, 0);
  const linesHidden = totalLines - linesShown;
  const filesHidden = files.length - new Set(blocks.filter((b) => b.file >= 0).map((b) => b.file)).size;
  if (linesHidden > 0 || filesHidden > 0) {
    const inFiles = filesHidden > 0 ? ` (${filesHidden} more ${filesHidden === 1 ? "file" : "files"})` : "";
    const text = `… ${linesHidden} more ${linesHidden === 1 ? "line" : "lines"}${inFiles} on the page`;
    blocks.push({ rows: wrapText(text, ROW_COLUMNS).map((part) => ({ kind: "more", text: part })), gap: GAP, lines: 0, file: -1, header: null });
  }

  const rows: PictureRow[] = [];
  const ys: number[] = [];
  let y = PAD;
  for (const block of blocks) {
    y += block.gap;
    for (const row of block.rows) {
      rows.push(row);
      ys.push(y);
      y += ROW_HEIGHT;
    }
  }
  return { rows, ys, height: y + PAD, digits, linesShown, linesHidden };
}

function rowSvg(row: PictureRow, y: number, digits: number): string {
  const baseline = y + BASELINE;
  const rect = (fill: string, x = 0, width = PICTURE_WIDTH) => `<rect x="${x}" y="${y}" width="${width}" height="${ROW_HEIGHT}" fill="${fill}"/>`;
  const text = (x: number, body: string, attrs = "") => `<text x="${x.toFixed(1)}" y="${baseline}"${attrs}>${body}</text>`;
  switch (row.kind) {
    case "summary":
      return text(PAD, escapeXml(row.text), ' font-weight="bold"');
    case "file":
      return [
        rect(COLOURS.fileHeader),
        row.first ? `<rect x="0" y="${y}" width="${PICTURE_WIDTH}" height="1" fill="${COLOURS.border}"/>` : "",
        row.path ? text(PAD, escapeXml(row.path), ' font-weight="bold" class="path"') : "",
        row.stats ? text(PICTURE_WIDTH - PAD, escapeXml(row.stats), ` text-anchor="end" fill="${COLOURS.muted}"`) : "",
      ].join("");
    case "hunk":
      return rect(COLOURS.hunkHeader) + text(PAD, escapeXml(row.text), ` fill="${COLOURS.muted}"`);
    case "more":
      return text(PAD, escapeXml(row.text), ` fill="${COLOURS.muted}" font-style="italic" class="more"`);
    case "line": {
      const { kind } = row.line;
      const [rowFill, gutterFill, sign, signFill] =
        kind === "add" ? [COLOURS.addRow, COLOURS.addGutter, "+", COLOURS.addSign] : kind === "del" ? [COLOURS.delRow, COLOURS.delGutter, "−", COLOURS.delSign] : [null, null, "", ""];
      const number = String(lineNumber(row.line) ?? "").slice(-digits);
      const spans = row.tokens
        .map((t) => {
          const fill = t.scope === null ? undefined : SCOPE_COLOURS[t.scope];
          return fill ? `<tspan fill="${fill}">${escapeXml(t.text)}</tspan>` : escapeXml(t.text);
        })
        .join("");
      return [
        rowFill ? rect(rowFill) + rect(gutterFill ?? rowFill, 0, Math.round(PAD + (digits + 0.25) * CHAR_WIDTH)) : "",
        row.continued
          ? text(PAD + (digits - 1) * CHAR_WIDTH, CONTINUATION_MARK, ` fill="${COLOURS.muted}" class="mark"`)
          : text(PAD, number.padStart(digits), ` fill="${COLOURS.muted}"`),
        sign && !row.continued ? text(PAD + (digits + 0.5) * CHAR_WIDTH, sign, ` fill="${signFill}"`) : "",
        text(PAD + (digits + 2) * CHAR_WIDTH, spans, row.continued ? ' class="code cont"' : ' class="code"'),
      ].join("");
    }
  }
}

export function diffPictureSvg(diff: string): DiffPicture {
  const files = parseUnifiedDiff(diff);
  const { rows, ys, height, digits, linesShown, linesHidden } = pictureLayout(files);
  const body = rows.map((row, i) => rowSvg(row, ys[i] ?? 0, digits)).join("\n");
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PICTURE_WIDTH}" height="${height}" viewBox="0 0 ${PICTURE_WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="${COLOURS.background}"/>`,
    `<g font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}" fill="${COLOURS.text}" xml:space="preserve">`,
    body,
    "</g>",
    "</svg>",
  ].join("\n");
  return {
    svg,
    width: PICTURE_WIDTH,
    height,
    rows,
    linesShown,
    linesHidden,
    files: files.map((f) => ({ path: displayPath(f), insertions: f.insertions, deletions: f.deletions })),
  };
}
