// The `/diff` picture (issue 23, item 3; "Tests"): the PNG decodes (fast-png, pure JS) at the fixed
// width and grows taller with more lines; the SVG it came from holds the text of each line shown;
// what the agent wrote is escaped; `.env` values and the VM's secrets never reach it.
import { decode } from "fast-png";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { escapeXml, MAX_DIFF_LINES, PICTURE_WIDTH, xmlSafe, type DiffPicture } from "../src/core/diff-picture";
import { renderDiffPicture } from "../src/diff-picture-render";
import { addRenderRoutes, RENDER_DIFF_ROUTE } from "../src/render-routes";

/** A one-file diff that adds `added` lines of TypeScript and removes one. */
function diffOf(added: number, path = "src/app.ts"): string {
  const lines = Array.from({ length: added }, (_, i) => `+export const value${i} = "line ${i}"; // added`);
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, `@@ -1,2 +1,${added + 1} @@`, " import { x } from './x';", "-const old = 1;", ...lines, ""].join("\n");
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" };

/** The text a reader sees in each code row: the `<text class="code">` elements, tags stripped, entities read. */
function codeTexts(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*class="code"[^>]*>(.*?)<\/text>/g)].map((m) => (m[1] ?? "").replace(/<[^>]+>/g, "").replace(/&[a-z]+;/g, (e) => ENTITIES[e] ?? e));
}

function pixel(png: Buffer, x: number, y: number): string {
  const image = decode(png);
  const at = (y * image.width + x) * image.channels;
  return Array.from(image.data.slice(at, at + 3), (v) => v.toString(16).padStart(2, "0")).join("");
}

/** The y of the middle of the first row of a kind ("add" or "del"), from the SVG's own rectangles. */
function rowMiddle(picture: DiffPicture, fill: string): number {
  const y = new RegExp(`<rect x="0" y="(\\d+)" width="${PICTURE_WIDTH}" height="20" fill="${fill}"/>`).exec(picture.svg)?.[1];
  if (y === undefined) throw new Error(`no row filled ${fill}`);
  return Number(y) + 10;
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

  it("grows taller with more lines, and stops growing at the line cap", async () => {
    // diffOf(n) has n + 2 lines: MAX_DIFF_LINES - 2 fills the picture exactly.
    const heights = await Promise.all([1, 10, 40, MAX_DIFF_LINES - 2, 500].map(async (n) => decode((await renderDiffPicture(diffOf(n))).png).height));
    const [one, ten, forty, cap, many] = heights as [number, number, number, number, number];
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(forty);
    expect(forty).toBeLessThan(cap);
    // 500 lines: the cap's rows plus one "… more lines" row, not 500 rows.
    expect(many).toBeGreaterThan(cap);
    expect(many).toBeLessThan(cap + 40);
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
    const picture = await renderDiffPicture(diffOf(MAX_DIFF_LINES + 20));
    const shown = picture.rows.flatMap((r) => (r.kind === "line" ? [xmlSafe(r.line.text)] : []));
    expect(shown).toHaveLength(MAX_DIFF_LINES);
    expect(shown[0]).toBe("import { x } from './x';");
    expect(codeTexts(picture.svg)).toEqual(shown);
    // 1 context + 1 removed + 100 added lines, 80 shown.
    expect([picture.linesShown, picture.linesHidden]).toEqual([80, 22]);
    expect(picture.svg).toContain("… 22 more lines not shown");
  });

  it("draws a diff at the 2 MB cap from its first lines, and counts the rest", async () => {
    const huge = diffOf(60_000);
    expect(huge.length).toBeGreaterThan(2_000_000);
    const picture = await renderDiffPicture(huge);
    expect([picture.linesShown, picture.linesHidden]).toEqual([MAX_DIFF_LINES, 60_002 - MAX_DIFF_LINES]);
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
