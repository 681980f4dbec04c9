// `POST /v1/shot` {userId, workspace, path, wide} -> image/png: `/shot`'s picture of the
// conversation's preview, for the relay to send through its media path as it sends `/diff`'s.
// The port is the conversation's kept preview server's, else the one port its processes listen
// on; the path is a path on that server, never a URL (ShotPathSchema). Behind the token like every /v1 route.
import type { Hono } from "hono";
import { SHOT_ROUTE, SHOT_WIDTHS, ShotRequestSchema } from "../../../src/protocol/vm/shot";
import { previewOf } from "../preview/preview-registry";
import type { PreviewPlace, PreviewServers } from "../preview/preview-servers";
import type { Shooter } from "../shots/shooter";
import { loopbackOfUid } from "../users/user-netns";
import { fail, parseBody } from "./http-body";

export type ShotRouteDeps = {
  shooter: Shooter;
  servers: Pick<PreviewServers, "ports">;
  placeOf: (userId: string, workspace: string) => PreviewPlace | null;
};

/** The conversation's preview port, or null when there is none or more than one to choose from. */
export async function shotPortOf(deps: Pick<ShotRouteDeps, "servers">, place: PreviewPlace): Promise<number | null> {
  const kept = previewOf(place.userId, place.workspace);
  if (kept) return kept.port;
  const ports = await deps.servers.ports(place);
  return ports.length === 1 ? (ports[0] as number) : null;
}

export function addShotRoutes(app: Hono, deps: ShotRouteDeps): void {
  app.post(SHOT_ROUTE, async (c) => {
    const request = await parseBody(c, ShotRequestSchema);
    const place = deps.placeOf(request.userId, request.workspace);
    if (!place) fail(404, { error: "unknown_workspace", message: `no workspace ${request.workspace} for this user` });
    const port = await shotPortOf(deps, place);
    if (port === null) fail(404, { error: "no_preview", message: "no preview is running in this conversation: start one with /preview" });
    let png: Buffer;
    try {
      png = await deps.shooter.shoot(port, request.path, request.wide ? SHOT_WIDTHS.wide : SHOT_WIDTHS.phone, loopbackOfUid(place.ids?.uid));
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 200);
      fail(503, { error: "shot_failed", message: `the picture could not be taken: ${reason}` });
    }
    return new Response(new Uint8Array(png), {
      status: 200,
      headers: { "content-type": "image/png", "content-length": String(png.length), "cache-control": "no-store", "x-shot-port": String(port) },
    });
  });
}
