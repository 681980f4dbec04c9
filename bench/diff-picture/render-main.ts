// The child of bench/diff-picture/measure.ts, started with the VM's node flags: renders the
// fixture diff ROUNDS times through renderDiffPicture (what POST /v1/render/diff calls) and prints
// one JSON line: the first (cold: highlight.js and resvg loaded) and each warm render's times.
import { readFileSync } from "node:fs";
import { diffPictureSvg } from "../../vm/src/core/diff-picture";
import { renderDiffPicture } from "../../vm/src/checkpoints/diff-picture-render";

const diff = readFileSync(new URL("./fixture.diff", import.meta.url), "utf8");
const rounds = Number(process.env.ROUNDS ?? "30");

async function main(): Promise<void> {
  const coldStart = performance.now();
  const first = await renderDiffPicture(diff);
  const coldMs = performance.now() - coldStart;
  const totalMs: number[] = [];
  const svgMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const svgStart = performance.now();
    diffPictureSvg(diff);
    svgMs.push(performance.now() - svgStart);
    const start = performance.now();
    await renderDiffPicture(diff);
    totalMs.push(performance.now() - start);
  }
  const picture = { linesShown: first.linesShown, linesHidden: first.linesHidden, width: first.width, height: first.height, pngBytes: first.png.length };
  console.log(JSON.stringify({ coldMs, totalMs, svgMs, picture }));
}

void main();
