// A conversation's preview on the VM: the kept server it starts, the ports its processes listen
// on, and the proxy a /preview link's requests (HTTP and WebSocket upgrades) go through.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";

/** A TCP port a preview may name: never a privileged one. */
export const PreviewPortSchema = z.number().check(z.int(), z.gte(1024), z.lte(65535));

/** `POST` body: start the kept server with `command` (waiting until it listens, on `port` when named), or, without one, only look. */
export const PreviewStartRequestSchema = z.object({
  command: z.optional(z.string().check(z.minLength(1), z.maxLength(1000), z.regex(/^[^\x00\n\r]+$/, "one line"))),
  port: z.optional(PreviewPortSchema),
});
export type PreviewStartRequest = z.infer<typeof PreviewStartRequestSchema>;

export const KeptPreviewSchema = z.object({
  port: PreviewPortSchema,
  pid: z.number().check(z.int(), z.positive()),
  command: z.string(),
  startedAt: z.number(),
});

/** The answer of `GET`, `POST` and `DELETE`: the kept server (or null) and every port the conversation's processes listen on. */
export const PreviewStateSchema = z.object({
  kept: z.nullable(KeptPreviewSchema),
  ports: z.array(PreviewPortSchema),
  /** `POST` with a command that did not come to listen: why, in one line. */
  problem: z.optional(z.string()),
});
export type PreviewState = z.infer<typeof PreviewStateSchema>;

/** The proxy route's header naming the user whose conversation the port must belong to (the relay's user id). */
export const PREVIEW_USER_HEADER = "x-relay-user";

/** Set on the proxy's own refusal (no process of the conversation listens on the port), never on an app's 404. */
export const PREVIEW_REFUSED_HEADER = "x-preview-refused";

/** The proxy's path prefix: `${PREVIEW_PROXY_PREFIX}/<workspace>/<port>/<the app's own path>`. */
export const PREVIEW_PROXY_PREFIX = "/v1/preview-proxy";

/** Where a proxied request goes on the VM: the app's `path` (starting with `/`, query included) at that conversation's port. */
export function previewProxyPath(workspace: string, port: number, path: string): string {
  return `${PREVIEW_PROXY_PREFIX}/${encodeURIComponent(workspace)}/${port}${path.startsWith("/") ? path : `/${path}`}`;
}
