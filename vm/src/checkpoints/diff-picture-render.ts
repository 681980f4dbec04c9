// The `/diff` picture, the shell: the SVG of core/diff-picture rendered to PNG by resvg (a Rust
// renderer, no browser), with the fonts the project ships in vm/assets/fonts and no system font,
// so the picture is the same on a laptop and on the Machine. resvg's native binding is loaded on
// the first picture, not at start: an idle VM never pays for it (docs/vm.md, idle memory). It is
// the one package vm/build.mjs leaves outside the bundle (a `.node` file cannot be bundled): the
// image installs it with the dependencies, its prebuilt linux-x64-gnu binary an npm package.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { redactSecrets } from "../core/config-problem";
import { diffPictureSvg, FONT_FAMILY, type DiffPicture } from "../core/diff-picture";

export const FONT_FILES = ["DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"] as const;

/**
 * vm/assets/fonts, found from this module: `../assets/fonts` from the image's /app/dist (the
 * Dockerfile copies vm/assets to /app/assets), one level further from vm/src/checkpoints and from
 * a test's bundle under vm/dist/<dir>.
 */
export function fontDirectory(from = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [join(from, "../assets/fonts"), join(from, "../../assets/fonts")];
  const found = candidates.find((dir) => existsSync(join(dir, FONT_FILES[0])));
  if (!found) throw new Error(`diff picture: no fonts in ${candidates.join(" or ")}`);
  return found;
}

export type RenderedDiff = DiffPicture & { png: Buffer };

type ResvgModule = typeof import("@resvg/resvg-js");
let resvg: Promise<ResvgModule> | null = null;

/** The diff as a PNG, with the VM's secrets redacted from it before anything is drawn. */
export async function renderDiffPicture(diff: string, options: { secrets?: readonly string[]; fontDir?: string } = {}): Promise<RenderedDiff> {
  const picture = diffPictureSvg(redactSecrets(diff, options.secrets ?? []));
  const fontDir = options.fontDir ?? fontDirectory();
  resvg ??= import("@resvg/resvg-js");
  const { Resvg } = await resvg;
  const rendered = new Resvg(picture.svg, {
    fitTo: { mode: "width", value: picture.width },
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES.map((file) => join(fontDir, file)),
      defaultFontFamily: FONT_FAMILY,
      monospaceFamily: FONT_FAMILY,
    },
  }).render();
  return { ...picture, png: rendered.asPng() };
}
