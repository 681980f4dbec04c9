// `/shot`'s picture of a conversation's preview, drawn on the VM: the request the relay sends to
// `POST /v1/shot`. Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

/** Phone width (390 px) or, with `wide`, a laptop's (1280 px). */
export const SHOT_WIDTHS = { phone: 390, wide: 1280 } as const;

/**
 * A path on the preview's own server, never a URL to elsewhere: it starts with one `/`, holds no
 * `\` (which browsers read as `/`, so `/\evil.com` is a host), no control character and no space.
 */
export const ShotPathSchema = z.string().check(
  z.maxLength(512),
  z.regex(/^\/(?![/\\])[^\\\s\x00-\x1f\x7f]*$/, "a path on the preview's server, starting with one /"),
);

export const ShotRequestSchema = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(64)),
  workspace: z.string().check(z.minLength(1), z.maxLength(64)),
  path: z._default(ShotPathSchema, "/"),
  wide: z._default(z.boolean(), false),
});
export type ShotRequest = z.infer<typeof ShotRequestSchema>;

export const SHOT_ROUTE = "/v1/shot";
