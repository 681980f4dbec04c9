// `/shot [wide] [path]`, parsed: a picture of the conversation's preview at phone width, or at a
// laptop's with `wide`, of `path` on its server (a path, never a URL: the VM checks it again).
import * as z from "zod/mini";
import { ShotPathSchema } from "../protocol/vm/shot";

export type ShotCommand = { type: "shot"; wide: boolean; path: string };

export const SHOT_USAGE = "/shot sends a picture of this conversation's preview at phone width; /shot wide at 1280 px; /shot /pricing shows that page.";

/** The command, or the one line that explains what was wrong. */
export function parseShotArgs(args: string): ShotCommand | { type: "invalid"; reason: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const wide = words[0]?.toLowerCase() === "wide";
  const rest = wide ? words.slice(1) : words;
  if (rest.length > 1) return { type: "invalid", reason: `/shot takes at most wide and one path. ${SHOT_USAGE}` };
  const path = rest[0] ?? "/";
  if (!z.safeParse(ShotPathSchema, path).success) return { type: "invalid", reason: `/shot takes a path on the preview's server, such as /pricing, not a web address. ${SHOT_USAGE}` };
  return { type: "shot", wide, path };
}
