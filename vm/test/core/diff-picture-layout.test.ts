// The /diff picture's layout for a phone: long lines wrap (a continuation mark on each row that
// carries one on), a very long line is cut after MAX_ROWS_PER_LINE rows, long paths wrap after
// their "/"s, and the picture stops at MAX_PICTURE_HEIGHT on whole lines with a footer that
// counts the rest. Pure: no rendering here (that is vm/test/diff-picture.test.ts).
import { describe, expect, it } from "vitest";
import { fileHeaderRows, MAX_PICTURE_HEIGHT, MAX_ROWS_PER_LINE, PICTURE_WIDTH, pictureLayout, ROW_COLUMNS, wrapText, wrapTokens, type PictureRow } from "../../src/core/diff-picture";
import { parseUnifiedDiff } from "../../src/core/unified-diff";

const textOf = (row: { text: string }[]) => row.map((t) => t.text).join("");

/** A diff of `files` files, each adding `lines` lines of `width` characters. */
function diffOf(files: number, lines: number, width = 20): string {
  return Array.from({ length: files }, (_, f) => {
    const body = Array.from({ length: lines }, (_, i) => `+${`f${f} line ${i} `.padEnd(width, "x")}`);
    return [`diff --git a/f${f}.txt b/f${f}.txt`, `--- a/f${f}.txt`, `+++ b/f${f}.txt`, `@@ -0,0 +1,${lines} @@`, ...body].join("\n");
  }).join("\n");
}

/** The lines' rows joined back: each line's text as the picture shows it over its rows. */
function linesRead(rows: PictureRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    if (row.kind !== "line") continue;
    if (row.continued) lines[lines.length - 1] += textOf(row.tokens);
    else lines.push(textOf(row.tokens));
  }
  return lines;
}

describe("the picture's size", () => {
  it("is drawn for a phone: type 1/30 of the width or more, at most two 16:9 screens tall, within Telegram's photo limits", () => {
    expect(PICTURE_WIDTH).toBe(720);
    expect(MAX_PICTURE_HEIGHT).toBeLessThanOrEqual((2 * PICTURE_WIDTH * 16) / 9);
    // sendPhoto: width + height ≤ 10000, ratio ≤ 20; and 2560 is the longest side a Telegram photo keeps.
    expect(PICTURE_WIDTH + MAX_PICTURE_HEIGHT).toBeLessThanOrEqual(10_000);
    expect(MAX_PICTURE_HEIGHT / PICTURE_WIDTH).toBeLessThanOrEqual(20);
    expect(Math.max(PICTURE_WIDTH, MAX_PICTURE_HEIGHT)).toBeLessThanOrEqual(2560);
  });
});

describe("wrapTokens", () => {
  const cases: { name: string; text: string; columns: number; rows: string[]; cut: boolean }[] = [
    { name: "a line that fits is one row", text: "const a = 1;", columns: 20, rows: ["const a = 1;"], cut: false },
    { name: "an empty line is one empty row", text: "", columns: 20, rows: [""], cut: false },
    { name: "wraps after a space in the row's second half", text: "const value = computeSomething(input);", columns: 20, rows: ["const value = ", "computeSomething(", "input);"], cut: false },
    { name: "wraps after a '.' before a name, not in '../'", text: "xxxxxxxxxxxx req.headers", columns: 17, rows: ["xxxxxxxxxxxx req.", "headers"], cut: false },
    { name: "a word longer than a row is cut at the column", text: "a".repeat(25), columns: 10, rows: ["a".repeat(10), "a".repeat(10), "a".repeat(5)], cut: false },
    {
      name: `a line past ${MAX_ROWS_PER_LINE} rows ends in … on its last`,
      text: "b".repeat(10 * MAX_ROWS_PER_LINE + 3),
      columns: 10,
      rows: [...Array.from({ length: MAX_ROWS_PER_LINE - 1 }, () => "b".repeat(10)), `${"b".repeat(9)}…`],
      cut: true,
    },
  ];
  it.each(cases)("$name", ({ text, columns, rows, cut }) => {
    const wrapped = wrapTokens(text === "" ? [] : [{ text, scope: null }], columns);
    expect(wrapped.rows.map(textOf)).toEqual(rows);
    expect(wrapped.cut).toBe(cut);
    for (const row of wrapped.rows) expect(Array.from(textOf(row)).length).toBeLessThanOrEqual(columns);
  });

  it("keeps each character's colour across the break", () => {
    const { rows } = wrapTokens(
      [
        { text: "return ", scope: "keyword" },
        { text: '"a long string"', scope: "string" },
      ],
      12,
    );
    expect(rows).toEqual([
      [
        { text: "return ", scope: "keyword" },
        { text: '"a ', scope: "string" },
      ],
      [{ text: 'long string"', scope: "string" }],
    ]);
  });
});

describe("wrapText", () => {
  it("wraps the footer after spaces", () => {
    expect(wrapText("… 1234 more lines (56 more files) on the page", 24)).toEqual(["… 1234 more lines (56 ", "more files) on the page"]);
  });
});

describe("fileHeaderRows", () => {
  it("puts a short path and its stats on one row", () => {
    expect(fileHeaderRows("src/app.ts", "+3 −1")).toEqual([{ kind: "file", path: "src/app.ts", stats: "+3 −1", first: true }]);
  });

  it("wraps a long path after its '/'s, the stats on the last row", () => {
    const path = "packages/some-long-package-name/src/components/deeply/nested/Widget.tsx";
    const rows = fileHeaderRows(path, "+3 −1");
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((r) => (r.kind === "file" ? r.path : "")).join("")).toBe(path);
    expect(rows.every((r) => r.kind === "file" && (r.path === "" || r.path.endsWith("/") || path.endsWith(r.path)))).toBe(true);
    expect(rows.map((r) => (r.kind === "file" ? r.first : null))).toEqual(rows.map((_, i) => i === 0));
    expect(rows.at(-1)).toMatchObject({ stats: "+3 −1" });
  });

  it("keeps the end of a path too long for three rows, its start cut to …", () => {
    const path = `${"dir/".repeat(60)}file.ts`;
    const rows = fileHeaderRows(path, "new · +1 −0");
    const shown = rows.map((r) => (r.kind === "file" ? r.path : "")).join("");
    expect(shown.startsWith("…")).toBe(true);
    expect(shown.endsWith("dir/file.ts")).toBe(true);
    for (const row of rows) if (row.kind === "file") expect(Array.from(row.path).length + (row.stats ? row.stats.length + 2 : 0)).toBeLessThanOrEqual(ROW_COLUMNS);
  });
});

describe("pictureLayout", () => {
  it("shows every line of a short diff, no footer, each long line whole over its rows", () => {
    const layout = pictureLayout(parseUnifiedDiff(diffOf(1, 5, 100)));
    expect([layout.linesShown, layout.linesHidden]).toEqual([5, 0]);
    expect(linesRead(layout.rows)).toEqual(Array.from({ length: 5 }, (_, i) => `f0 line ${i} `.padEnd(100, "x")));
    expect(layout.rows.filter((r) => r.kind === "line" && r.continued).length).toBeGreaterThanOrEqual(5);
    expect(layout.rows.some((r) => r.kind === "more")).toBe(false);
  });

  it("stops at the height cap on whole lines, and its footer counts the lines and files left", () => {
    const layout = pictureLayout(parseUnifiedDiff(diffOf(5, 40, 100)));
    expect(layout.height).toBeLessThanOrEqual(MAX_PICTURE_HEIGHT);
    expect(layout.linesShown + layout.linesHidden).toBe(200);
    expect(layout.linesShown).toBeGreaterThan(10);
    const footer = layout.rows.filter((r): r is Extract<PictureRow, { kind: "more" }> => r.kind === "more");
    expect(footer.map((r) => r.text).join("")).toMatch(new RegExp(`^… ${layout.linesHidden} more lines \\(\\d more files\\) on the page$`));
    // The last line before the footer is whole: its rows end with one that is not followed by a continuation.
    const lastLine = layout.rows.findLastIndex((r) => r.kind === "line");
    expect(layout.rows[lastLine + 1]?.kind).toBe("more");
    expect(linesRead(layout.rows).every((line) => line.length === 100)).toBe(true);
  });

  it("never ends on a header with nothing under it", () => {
    // Files of one line each: the cap falls on every kind of row in turn as the line count grows.
    for (let files = 20; files < 40; files++) {
      const layout = pictureLayout(parseUnifiedDiff(diffOf(files, 1)));
      const beforeFooter = layout.rows.filter((r) => r.kind !== "more").at(-1);
      expect(beforeFooter?.kind).toBe("line");
      expect(layout.height).toBeLessThanOrEqual(MAX_PICTURE_HEIGHT);
    }
  });

  it("fills the picture: a diff that fits exactly gets no footer, one line more gets one", () => {
    let lines = 1;
    while (pictureLayout(parseUnifiedDiff(diffOf(1, lines + 1))).linesHidden === 0) lines++;
    const full = pictureLayout(parseUnifiedDiff(diffOf(1, lines)));
    expect(full.rows.some((r) => r.kind === "more")).toBe(false);
    expect(MAX_PICTURE_HEIGHT - full.height).toBeLessThan(32 + 1);
    const over = pictureLayout(parseUnifiedDiff(diffOf(1, lines + 1)));
    expect(over.rows.at(-1)).toEqual({ kind: "more", text: `… ${lines + 1 - over.linesShown} more lines on the page` });
  });
});
