// The `/diff` picture, the pure part (issue 23, item 3): a unified diff drawn as an SVG of a fixed
// width, one row per file header, hunk header and line, added lines tinted green and removed red,
// with syntax colours; at most MAX_DIFF_LINES lines, then a count of the rest. Every piece of text
// (paths, code, git's section names) comes from the agent's workspace and is escaped here, once.
// A `.env`-like file shows which keys changed, never their values.
import { displayPath, parseUnifiedDiff, type DiffFile, type DiffLine } from "./unified-diff";
import { languageOf, tokenizeLines, type Token } from "./syntax-tokens";

export const PICTURE_WIDTH = 1000;
export const MAX_DIFF_LINES = 80;
/** File and hunk headers count here too, so a diff of many small files stays a readable size. */
const MAX_ROWS = 120;
export const FONT_FAMILY = "DejaVu Sans Mono";

const FONT_SIZE = 14;
/** DejaVu Sans Mono's advance is 1233/2048 em. */
const CHAR_WIDTH = (FONT_SIZE * 1233) / 2048;
const ROW_HEIGHT = 20;
const PAD = 12;
const NUMBER_DIGITS = 4;
const GUTTER = Math.ceil((2 * NUMBER_DIGITS + 3) * CHAR_WIDTH);
const CODE_X = PAD + GUTTER + Math.ceil(2 * CHAR_WIDTH);
/** Characters that fit between the code's left edge and the right padding. */
export const CODE_COLUMNS = Math.floor((PICTURE_WIDTH - CODE_X - PAD) / CHAR_WIDTH);
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
  | { kind: "file"; path: string; stats: string }
  | { kind: "hunk"; text: string }
  | { kind: "line"; line: DiffLine; tokens: Token[]; cut: boolean }
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

/** Tokens cut to `columns` code points, and whether anything was cut. */
function fitTokens(tokens: Token[], columns: number): { tokens: Token[]; cut: boolean } {
  const fitted: Token[] = [];
  let left = columns;
  for (const token of tokens) {
    const chars = Array.from(token.text);
    if (chars.length <= left) {
      fitted.push(token);
      left -= chars.length;
      continue;
    }
    if (left > 1) fitted.push({ text: chars.slice(0, left - 1).join(""), scope: token.scope });
    fitted.push({ text: "…", scope: null });
    return { tokens: fitted, cut: true };
  }
  return { tokens: fitted, cut: false };
}

function fileStats(file: DiffFile): string {
  if (file.binary) return "binary";
  const renamed = file.status === "renamed" ? `renamed from ${file.oldPath ?? ""} · ` : "";
  const status = file.status === "added" ? "new · " : file.status === "deleted" ? "deleted · " : renamed;
  return `${status}+${file.insertions} −${file.deletions}`;
}

/** The rows to draw, cut at MAX_DIFF_LINES lines (and MAX_ROWS rows), with the count of what is left. */
export function pictureRows(files: DiffFile[]): { rows: PictureRow[]; linesShown: number; linesHidden: number } {
  const insertions = files.reduce((n, f) => n + f.insertions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  const rows: PictureRow[] = [{ kind: "summary", text: `${files.length} ${files.length === 1 ? "file" : "files"} changed, +${insertions} −${deletions}` }];
  let linesShown = 0;
  let linesHidden = 0;
  let filesHidden = 0;
  const room = () => linesShown < MAX_DIFF_LINES && rows.length < MAX_ROWS - 1;

  for (const file of files) {
    const lineCount = file.hunks.reduce((n, h) => n + h.lines.length, 0);
    if (!room()) {
      linesHidden += lineCount;
      filesHidden++;
      continue;
    }
    const path = displayPath(file);
    rows.push({ kind: "file", path, stats: fileStats(file) });
    const env = isEnvFile(path);
    const language = env ? null : languageOf(path);
    for (const hunk of file.hunks) {
      if (!room()) {
        linesHidden += hunk.lines.length;
        continue;
      }
      // git's section name is a line of the file: an env file's may hold a value.
      rows.push({ kind: "hunk", text: env || hunk.section === "" ? hunk.range : `${hunk.range} ${hunk.section}` });
      // Only the lines that fit are highlighted: a 2 MB hunk costs no more than an 80-line one.
      const fits = Math.min(MAX_DIFF_LINES - linesShown, MAX_ROWS - 1 - rows.length);
      const shown = hunk.lines.slice(0, fits).map((line) => (env ? { ...line, text: envLineShown(line.text) } : line));
      linesHidden += hunk.lines.length - shown.length;
      const tokenLines = tokenizeLines(shown.map((l) => xmlSafe(l.text)).join("\n"), language);
      shown.forEach((line, i) => {
        const { tokens, cut } = fitTokens(tokenLines[i] ?? [], CODE_COLUMNS);
        rows.push({ kind: "line", line, tokens, cut });
        linesShown++;
      });
    }
  }
  if (linesHidden > 0 || filesHidden > 0) {
    const inFiles = filesHidden > 0 ? ` (${filesHidden} more ${filesHidden === 1 ? "file" : "files"})` : "";
    rows.push({ kind: "more", text: `… ${linesHidden} more ${linesHidden === 1 ? "line" : "lines"}${inFiles} not shown` });
  }
  return { rows, linesShown, linesHidden };
}

const number = (n: number | null) => (n === null ? "" : String(n).slice(-NUMBER_DIGITS));

function rowSvg(row: PictureRow, y: number): string {
  const baseline = y + ROW_HEIGHT - 6;
  const rect = (fill: string, x = 0, width = PICTURE_WIDTH) => `<rect x="${x}" y="${y}" width="${width}" height="${ROW_HEIGHT}" fill="${fill}"/>`;
  const text = (x: number, body: string, attrs = "") => `<text x="${x.toFixed(1)}" y="${baseline}"${attrs}>${body}</text>`;
  switch (row.kind) {
    case "summary":
      return text(PAD, escapeXml(xmlSafe(row.text)), ' font-weight="bold"');
    case "file":
      return [
        rect(COLOURS.fileHeader),
        `<rect x="0" y="${y}" width="${PICTURE_WIDTH}" height="1" fill="${COLOURS.border}"/>`,
        text(PAD, escapeXml(xmlSafe(row.path)), ' font-weight="bold"'),
        text(PICTURE_WIDTH - PAD, escapeXml(xmlSafe(row.stats)), ` text-anchor="end" fill="${COLOURS.muted}"`),
      ].join("");
    case "hunk":
      return rect(COLOURS.hunkHeader) + text(PAD, escapeXml(xmlSafe(row.text)), ` fill="${COLOURS.muted}"`);
    case "more":
      return text(PAD, escapeXml(row.text), ` fill="${COLOURS.muted}" font-style="italic"`);
    case "line": {
      const { kind, oldNumber, newNumber } = row.line;
      const [rowFill, gutterFill, sign, signFill] =
        kind === "add" ? [COLOURS.addRow, COLOURS.addGutter, "+", COLOURS.addSign] : kind === "del" ? [COLOURS.delRow, COLOURS.delGutter, "−", COLOURS.delSign] : [null, null, "", ""];
      const numbers = `${number(oldNumber).padStart(NUMBER_DIGITS)}  ${number(newNumber).padStart(NUMBER_DIGITS)}`;
      const spans = row.tokens
        .map((t) => {
          const fill = t.scope === null ? undefined : SCOPE_COLOURS[t.scope];
          return fill ? `<tspan fill="${fill}">${escapeXml(t.text)}</tspan>` : escapeXml(t.text);
        })
        .join("");
      return [
        rowFill ? rect(rowFill) + rect(gutterFill ?? rowFill, 0, PAD + GUTTER) : "",
        text(PAD, numbers, ` fill="${COLOURS.muted}"`),
        sign ? text(PAD + GUTTER + CHAR_WIDTH * 0.5, sign, ` fill="${signFill}"`) : "",
        text(CODE_X, spans, ' class="code"'),
      ].join("");
    }
  }
}

/** The rows' y: a gap after the summary and before each file header. */
function layout(rows: PictureRow[]): { ys: number[]; height: number } {
  let y = PAD;
  const ys = rows.map((row, i) => {
    if (i > 0 && (row.kind === "file" || row.kind === "more")) y += 8;
    const at = y;
    y += ROW_HEIGHT;
    return at;
  });
  return { ys, height: y + PAD };
}

export function diffPictureSvg(diff: string): DiffPicture {
  const files = parseUnifiedDiff(diff);
  const { rows, linesShown, linesHidden } = pictureRows(files);
  const { ys, height } = layout(rows);
  const body = rows.map((row, i) => rowSvg(row, ys[i] ?? 0)).join("\n");
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
