// The /diff picture (issue 23, item 3): the time to draw the fixture's 86-line diff as a PNG on
// the VM (a full picture: as many lines as two phone screens hold), target ≤ 300 ms (median). Measured in a child started with the VM's own node flags (interpreter
// only: `--no-opt --no-sparkplug`), since that is how the image runs the highlighter and the SVG
// code; resvg is native either way. Alone: `npx tsx bench/diff-picture/measure.ts [--quick]`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import { atMost, info, judged, type Figure } from "../lib/figures";
import { median } from "../lib/stats";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECTION = "diff-picture";

const ChildReport = z.object({
  coldMs: z.number(),
  totalMs: z.array(z.number()),
  svgMs: z.array(z.number()),
  picture: z.object({ linesShown: z.number(), linesHidden: z.number(), width: z.number(), height: z.number(), pngBytes: z.number() }),
});

/** The V8 flags of `npm run vm` (vm/package.json's start script, between `node` and `--import`). */
function vmV8Flags(): string[] {
  const { scripts } = JSON.parse(readFileSync(`${ROOT}/vm/package.json`, "utf8")) as { scripts: { start: string } };
  const words = scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf("--import"));
}

export default async function measureDiffPicture({ quick }: { quick: boolean }): Promise<{ figures: Figure[]; flags: string[]; rounds: number; picture: z.infer<typeof ChildReport>["picture"] }> {
  const flags = vmV8Flags();
  const rounds = quick ? 5 : 30;
  const out = execFileSync(process.execPath, [...flags, "--import", "tsx", "bench/diff-picture/render-main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ROUNDS: String(rounds) },
    encoding: "utf8",
    timeout: 120_000,
  });
  const report = ChildReport.parse(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"));
  const shown = `${report.picture.linesShown} lines shown, ${report.picture.linesHidden} counted; ${report.picture.width}×${report.picture.height} px`;
  const figures = [
    judged(SECTION, "86-line diff to PNG, a full picture (p50, warm)", Math.round(median(report.totalMs) * 10) / 10, "ms", atMost(300), `${shown}; ${rounds} renders, VM flags ${flags.join(" ")}`),
    info(SECTION, "86-line diff to PNG, first render (loads highlight.js and resvg)", Math.round(report.coldMs), "ms"),
    info(SECTION, "of which the SVG (parse, highlight, layout; p50)", Math.round(median(report.svgMs) * 10) / 10, "ms"),
    info(SECTION, "PNG size", Math.round(report.picture.pngBytes / 1024), "KiB"),
  ];
  return { figures, flags, rounds, picture: report.picture };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures } = await measureDiffPicture({ quick: process.argv.includes("--quick") });
  for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target}: ${f.pass ? "met" : "MISSED"})` : ""}${f.note ? ` · ${f.note}` : ""}`);
}
