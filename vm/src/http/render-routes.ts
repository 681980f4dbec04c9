// `POST /v1/render/diff` {diff} -> image/png: the `/diff` picture (issue 23, item 3), for the
// relay to send through its media path. Authorised like every /v1 route (the app's bearer check
// runs before it). The checkpoint code may call renderDiffPicture directly instead.
import type { Hono } from "hono";
import * as z from "zod";
import { parseBody } from "./http-body";

export const RENDER_DIFF_ROUTE = "/v1/render/diff";

/** A run's diff is capped at 2 MB where it is stored (issue 23, item 2); a little room for the note. */
export const MAX_DIFF_CHARS = 2_100_000;

export const RenderDiffRequestSchema = z.object({ diff: z.string().max(MAX_DIFF_CHARS) });
/** That diff as JSON, each character escaped as `\u00XX` at worst, and its key. */
const MAX_RENDER_BODY_BYTES = MAX_DIFF_CHARS * 6 + 1024;

export function addRenderRoutes(app: Hono, deps: { secrets: readonly string[] }): void {
  app.post(RENDER_DIFF_ROUTE, async (c) => {
    const { diff } = await parseBody(c, RenderDiffRequestSchema, MAX_RENDER_BODY_BYTES);
    // Loaded on the first picture: highlight.js and resvg cost an idle VM nothing (docs/vm.md, idle memory).
    const { renderDiffPicture } = await import("../checkpoints/diff-picture-render");
    const picture = await renderDiffPicture(diff, { secrets: deps.secrets });
    return new Response(new Uint8Array(picture.png), {
      status: 200,
      headers: {
        "content-type": "image/png",
        "content-length": String(picture.png.length),
        "cache-control": "no-store",
        // What the picture left out, for the summary line the relay sends with it.
        "x-diff-lines-shown": String(picture.linesShown),
        "x-diff-lines-hidden": String(picture.linesHidden),
      },
    });
  });
}
