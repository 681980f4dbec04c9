// The `/diff` picture (issue 23, item 3; "Tests"): the PNG decodes (fast-png, pure JS) at the fixed
// width and grows taller with more lines, up to its cap; its type, measured in its pixels, is 1/30
// of the width or more (drawn for a phone); the SVG it came from holds the text of each line
// shown, wrapped lines joined back; what the agent wrote is escaped; `.env` values and the VM's
// secrets never reach it.
import { decode } from "fast-png";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { CONTINUATION_MARK, escapeXml, MAX_PICTURE_HEIGHT, PICTURE_WIDTH, xmlSafe, type DiffPicture } from "../src/core/diff-picture";
import { renderDiffPicture } from "../src/checkpoints/diff-picture-render";
import { addRenderRoutes, RENDER_DIFF_ROUTE } from "../src/http/render-routes";

/** A one-file diff that adds `added` lines of TypeScript and removes one. */
function diffOf(added: number, path = "src/app.ts"): string {
  const lines = Array.from({ length: added }, (_, i) => `+export const value${i} = "line ${i}"; // added`);
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, `@@ -1,2 +1,${added + 1} @@`, " import { x } from './x';", "-const old = 1;", ...lines, ""].join("\n");
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" };

/** The text a reader sees in each line of code: the `<text class="code">` elements, tags stripped, entities read, a wrapped line's rows (`code cont`) joined back. */
function codeTexts(svg: string): string[] {
  const lines: string[] = [];
  for (const m of svg.matchAll(/<text [^>]*class="(code(?: cont)?)"[^>]*>(.*?)<\/text>/g)) {
    const text = (m[2] ?? "").replace(/<[^>]+>/g, "").replace(/&[a-z]+;/g, (e) => ENTITIES[e] ?? e);
    if (m[1] === "code cont") lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines;
}

function pixel(png: Buffer, x: number, y: number): string {
  const image = decode(png);
  const at = (y * image.width + x) * image.channels;
  return Array.from(image.data.slice(at, at + 3), (v) => v.toString(16).padStart(2, "0")).join("");
}

/** The rows of a kind ("add" or "del"), top and height, from the SVG's own rectangles. */
function rowsFilled(picture: DiffPicture, fill: string): { y: number; height: number }[] {
  const rows = [...picture.svg.matchAll(new RegExp(`<rect x="0" y="(\\d+)" width="${PICTURE_WIDTH}" height="(\\d+)" fill="${fill}"/>`, "g"))].map((m) => ({ y: Number(m[1]), height: Number(m[2]) }));
  if (rows.length === 0) throw new Error(`no row filled ${fill}`);
  return rows;
}

function rowMiddle(picture: DiffPicture, fill: string): number {
  const row = rowsFilled(picture, fill)[0]!;
  return row.y + Math.floor(row.height / 2);
}

/** The box of the dark (text) pixels in a band of the PNG, from x = `from` rightwards. */
function inkBox(png: Buffer, band: { y: number; height: number }, from: number): { top: number; bottom: number; left: number; right: number } {
  const image = decode(png);
  const box = { top: Infinity, bottom: -Infinity, left: Infinity, right: -Infinity };
  for (let y = band.y; y < band.y + band.height; y++) {
    for (let x = from; x < image.width; x++) {
      const at = (y * image.width + x) * image.channels;
      if (Math.min(image.data[at] ?? 255, image.data[at + 1] ?? 255, image.data[at + 2] ?? 255) >= 128) continue;
      box.top = Math.min(box.top, y);
      box.bottom = Math.max(box.bottom, y);
      box.left = Math.min(box.left, x);
      box.right = Math.max(box.right, x);
    }
  }
  return box;
}

describe("the PNG", () => {
  it("decodes at the fixed width, with the picture's height, green and red rows where the lines are", async () => {
    const picture = await renderDiffPicture(diffOf(3));
    expect(picture.png.subarray(1, 4).toString("latin1")).toBe("PNG");
    const image = decode(picture.png);
    expect([image.width, image.height]).toEqual([PICTURE_WIDTH, picture.height]);
    expect(image.depth).toBe(8);
    // Far right of a row: only its tint, no text.
    expect(pixel(picture.png, PICTURE_WIDTH - 3, rowMiddle(picture, "#e6ffec"))).toBe("e6ffec");
    expect(pixel(picture.png, PICTURE_WIDTH - 3, rowMiddle(picture, "#ffebe9"))).toBe("ffebe9");
    // The glyphs were drawn: the code column of an added row holds dark (text) pixels.
    const y = rowMiddle(picture, "#e6ffec");
    const row = Array.from({ length: 300 }, (_, i) => (y * image.width + 130 + i) * image.channels).map((at) => image.data[at] ?? 255);
    expect(Math.min(...row)).toBeLessThan(128);
  });

  it("grows taller with more lines, and stops at two phone screens", async () => {
    const heights = await Promise.all([1, 10, 30, 500, 5000].map(async (n) => decode((await renderDiffPicture(diffOf(n))).png).height));
    const [one, ten, thirty, many, more] = heights as [number, number, number, number, number];
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(thirty);
    expect(thirty).toBeLessThan(many);
    // Two 16:9 screens of the picture's width at most, however long the diff.
    expect(MAX_PICTURE_HEIGHT).toBeLessThanOrEqual((2 * PICTURE_WIDTH * 16) / 9);
    expect(many).toBeLessThanOrEqual(MAX_PICTURE_HEIGHT);
    expect(many).toBeGreaterThan(MAX_PICTURE_HEIGHT - 100);
    expect(more).toBe(many);
  });

  it("draws its type at 1/30 of the width or more, as measured in its pixels", async () => {
    // Two added lines of capital H, 10 and 40 of them: the ink of the longer reaches 30
    // characters further, so 30 advances of the font as drawn, whatever the glyph's own margins.
    const diff = ["--- a/x.txt", "+++ b/x.txt", "@@ -1 +1,2 @@", `+${"H".repeat(10)}`, `+${"H".repeat(40)}`, ""].join("\n");
    const picture = await renderDiffPicture(diff);
    const [short, long] = rowsFilled(picture, "#e6ffec").map((band) => inkBox(picture.png, band, 120)) as [ReturnType<typeof inkBox>, ReturnType<typeof inkBox>];
    expect(long.left).toBe(short.left);
    // The ink's edges fall between pixels: a span read from whole pixels is up to one short.
    const advance = (long.right - short.right + 1) / 30;
    // DejaVu Sans Mono's advance is 1233/2048 of the type's size (its em).
    const typeSize = advance / (1233 / 2048);
    expect(typeSize).toBeGreaterThanOrEqual(PICTURE_WIDTH / 30);
    expect(typeSize).toBeLessThan(PICTURE_WIDTH / 30 + 2);
    // A capital H is at least 1/45 of the width tall (16 px of 720; DejaVu's caps are 0.73 em).
    expect(long.bottom - long.top + 1).toBeGreaterThanOrEqual(PICTURE_WIDTH / 45);
  });

  it("wraps a long line over rows, each row after the first marked in the number column", async () => {
    const long = `const message = ${JSON.stringify("word ".repeat(30).trim())};`;
    const diff = ["--- a/x.ts", "+++ b/x.ts", "@@ -1 +1 @@", `+${long}`, ""].join("\n");
    const picture = await renderDiffPicture(diff);
    expect(codeTexts(picture.svg)).toEqual([long]);
    const rows = rowsFilled(picture, "#e6ffec");
    expect(rows.length).toBeGreaterThan(2);
    expect(picture.svg.match(new RegExp(`class="mark">${CONTINUATION_MARK}<`, "g"))).toHaveLength(rows.length - 1);
    // Drawn: every row holds ink in its code column, and each continuation row in its number column.
    for (const row of rows) expect(inkBox(picture.png, row, 70).left).toBeLessThan(PICTURE_WIDTH);
    for (const row of rows.slice(1)) expect(inkBox(picture.png, row, 0).left).toBeLessThan(40);
    // None runs off the picture: the ink stops short of the right edge.
    for (const row of rows) expect(inkBox(picture.png, row, 0).right).toBeLessThan(PICTURE_WIDTH - 5);
  });

  it("stays within Telegram's photo limits at its largest (≤ 10 MB, width + height ≤ 10000, ratio ≤ 20) and the relay's 5 MiB", async () => {
    const dense = Array.from({ length: 400 }, (_, i) => `+const v${i} = [${"'#%&@MW', ".repeat(12)}];`).join("\n");
    const picture = await renderDiffPicture(["--- a/x.ts", "+++ b/x.ts", "@@ -0,0 +1,400 @@", dense, ""].join("\n"));
    const image = decode(picture.png);
    expect(image.height).toBeGreaterThan(MAX_PICTURE_HEIGHT - 100);
    // The relay takes a picture of at most 5 MiB (WhatsApp's image limit is 5 MB); Telegram's is 10 MB.
    expect(picture.png.length).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(image.width + image.height).toBeLessThanOrEqual(10_000);
    expect(image.height / image.width).toBeLessThanOrEqual(20);
  });

  it("draws emoji, CJK and control characters without failing (glyphs DejaVu lacks are left blank)", async () => {
    const diff = diffOf(0).replace("-const old = 1;", "-const old = 1;\n+const s = '中文 😀 \u0007 \ud800 \u200b';");
    const picture = await renderDiffPicture(diff);
    expect(decode(picture.png).width).toBe(PICTURE_WIDTH);
    expect(codeTexts(picture.svg)).toContain("const s = '中文 😀 \ufffd \ufffd \u200b';");
  });
});

describe("the SVG", () => {
  it("holds the text of each line shown, in order, and counts the lines it leaves out", async () => {
    const picture = await renderDiffPicture(diffOf(100));
    const shown = picture.rows.flatMap((r) => (r.kind === "line" && !r.continued ? [xmlSafe(r.line.text)] : []));
    expect(shown).toHaveLength(picture.linesShown);
    expect(shown[0]).toBe("import { x } from './x';");
    expect(codeTexts(picture.svg)).toEqual(shown);
    // 1 context + 1 removed + 100 added lines: what is not shown is counted, and where it is.
    expect(picture.linesShown).toBeGreaterThan(40);
    expect(picture.linesShown + picture.linesHidden).toBe(102);
    expect(picture.svg).toContain(`… ${picture.linesHidden} more lines on the page`);
  });

  it("draws a diff at the 2 MB cap from its first lines, and counts the rest", async () => {
    const huge = diffOf(60_000);
    expect(huge.length).toBeGreaterThan(2_000_000);
    const picture = await renderDiffPicture(huge);
    expect(picture.linesShown).toBeGreaterThan(40);
    expect(picture.linesShown + picture.linesHidden).toBe(60_002);
    expect(decode(picture.png).height).toBeLessThanOrEqual(MAX_PICTURE_HEIGHT);
    expect(picture.files).toEqual([{ path: "src/app.ts", insertions: 60_000, deletions: 1 }]);
  });

  it("escapes what the agent wrote: <script>, &, quotes, in code, paths and git's section names", async () => {
    const path = `a&b/<img src=x onerror=alert(1)>.ts`;
    const diff = [
      `--- a/${path}`,
      `+++ b/${path}`,
      "@@ -1 +1 @@ function x() { return '</text><script>' }",
      "-const a = 1 && 2;",
      '+const s = "<script>alert(\'&amp;\')</script>";',
      "",
    ].join("\n");
    const picture = await renderDiffPicture(diff);
    expect(picture.svg).not.toMatch(/<script|<img|<\/text><script/);
    expect(picture.svg).toContain("&lt;script&gt;");
    expect(picture.svg).toContain(escapeXml(path));
    expect(picture.svg).toContain(" a = <tspan fill=\"#0550ae\">1</tspan> &amp;&amp; ");
    // The escaped form of the agent's own "&amp;" is "&amp;amp;": it reads back as written.
    expect(codeTexts(picture.svg)).toContain(`const s = "<script>alert('&amp;')</script>";`);
    expect(picture.svg.match(/<text/g)?.length).toBe(picture.svg.match(/<\/text>/g)?.length);
  });

  it("shows which keys of a .env file changed, never their values", async () => {
    const diff = [
      "diff --git a/.env.local b/.env.local",
      "--- a/.env.local",
      "+++ b/.env.local",
      "@@ -1,3 +1,3 @@ DB_URL=postgres://user:hunter2@db",
      "-API_KEY=sk-old-value",
      "+API_KEY=sk-new-value",
      " export DB_URL=postgres://user:hunter2@db",
      " # TOKEN is sk-in-a-comment",
      "",
    ].join("\n");
    const { svg } = await renderDiffPicture(diff);
    for (const secret of ["sk-old-value", "sk-new-value", "hunter2", "sk-in-a-comment"]) expect(svg).not.toContain(secret);
    expect(codeTexts(svg)).toEqual(["API_KEY=… (value hidden)", "API_KEY=… (value hidden)", "export DB_URL=… (value hidden)", "… (line hidden)"]);
  });

  it("redacts the VM's secrets before anything is drawn", async () => {
    const { svg } = await renderDiffPicture(diffOf(1).replace('"line 0"', '"ghp_s3cret"'), { secrets: ["ghp_s3cret"] });
    expect(svg).not.toContain("ghp_s3cret");
    expect(svg).toContain("[redacted]");
  });

  it("colours code by its language: a TypeScript keyword and string get their own fills", async () => {
    const { svg } = await renderDiffPicture(diffOf(1));
    expect(svg).toContain('<tspan fill="#cf222e">export</tspan>');
    expect(svg).toContain('<tspan fill="#0a3069">&quot;line 0&quot;</tspan>');
  });
});

describe(`POST ${RENDER_DIFF_ROUTE}`, () => {
  const app = new Hono();
  addRenderRoutes(app, { secrets: ["s3cret-token"] });

  it("answers a PNG of the diff", async () => {
    const res = await app.request(RENDER_DIFF_ROUTE, { method: "POST", body: JSON.stringify({ diff: diffOf(2) }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-diff-lines-shown")).toBe("4");
    const image = decode(new Uint8Array(await res.arrayBuffer()));
    expect(image.width).toBe(PICTURE_WIDTH);
  });

  it("refuses a body without a diff string", async () => {
    const res = await app.request(RENDER_DIFF_ROUTE, { method: "POST", body: JSON.stringify({ diff: 3 }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
  });
});
