// A conversation's preview (docs/protocol.md): `GET`/`POST`/`DELETE /v1/workspaces/:workspace/preview?userId=…`
// (its kept server and listening ports), and the proxy `${PREVIEW_PROXY_PREFIX}/:workspace/:port/*`
// with the user in `x-relay-user`, for HTTP here and for WebSocket upgrades through
// `previewUpgradeHandler` (Node's `upgrade` event, which Hono never sees). Both check the port
// against that user's conversation's processes. Behind the token like every /v1 route.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Context, Hono } from "hono";
import * as z from "zod";
import { PREVIEW_PROXY_PREFIX, PREVIEW_REFUSED_HEADER, PREVIEW_USER_HEADER, PreviewStartRequestSchema, type PreviewState } from "../../../src/protocol/vm/preview";
import { VM_ROUTES, type VmErrorBody } from "../../../src/protocol/vm/routes";
import { WorkspaceIdSchema } from "../../../src/protocol/vm/workspaces";
import { pipeUpgrade, previewTargetOf, proxyHttp, refuseUpgrade, type PreviewTarget } from "../preview/preview-proxy";
import { previewOf } from "../preview/preview-registry";
import type { PreviewPlace, PreviewServers } from "../preview/preview-servers";
import { loopbackOfUid } from "../users/user-netns";
import { fail, parseBody, parseInput } from "./http-body";

export type PreviewRouteDeps = {
  servers: PreviewServers;
  placeOf: (userId: string, workspace: string) => PreviewPlace | null;
  now: () => number;
};

const NOT_LISTENED = "no process of this conversation listens on that port";
const UserIdSchema = z.string().min(1).max(64);
const WorkspaceOfUserSchema = z.object({ workspace: WorkspaceIdSchema, userId: UserIdSchema });

const stateOf = async (deps: PreviewRouteDeps, place: PreviewPlace, problem?: string): Promise<PreviewState> => ({
  kept: previewOf(place.userId, place.workspace),
  ports: await deps.servers.ports(place),
  ...(problem ? { problem } : {}),
});

/** The place of a proxied request's conversation, when `port` is one its processes listen on. */
async function ownedTarget(deps: PreviewRouteDeps, userId: string | undefined, target: PreviewTarget | null): Promise<PreviewTarget | null> {
  if (!target || !UserIdSchema.safeParse(userId).success || !WorkspaceIdSchema.safeParse(target.workspace).success) return null;
  const place = deps.placeOf(userId as string, target.workspace);
  return place && (await deps.servers.ports(place)).includes(target.port) ? { ...target, address: loopbackOfUid(place.ids?.uid) } : null;
}

export function addPreviewRoutes(app: Hono, deps: PreviewRouteDeps): void {
  const pattern = VM_ROUTES.workspacePreview("WORKSPACE", "").split("?")[0]?.replace("WORKSPACE", ":workspace") ?? "";
  const placeOf = (c: Context): PreviewPlace => {
    const { workspace, userId } = parseInput({ workspace: c.req.param("workspace"), userId: c.req.query("userId") }, WorkspaceOfUserSchema);
    const place = deps.placeOf(userId, workspace);
    if (!place) fail(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
    return place;
  };

  app.get(pattern, async (c) => c.json(await stateOf(deps, placeOf(c))));

  app.post(pattern, async (c) => {
    const place = placeOf(c);
    const request = await parseBody(c, PreviewStartRequestSchema);
    if (!request.command) return c.json(await stateOf(deps, place));
    const started = await deps.servers.start(place, request.command, request.port ?? null, deps.now());
    return c.json(await stateOf(deps, place, started.ok ? undefined : started.message));
  });

  app.delete(pattern, async (c) => {
    const place = placeOf(c);
    deps.servers.stop(place.userId, place.workspace);
    return c.json(await stateOf(deps, place));
  });

  app.all(`${PREVIEW_PROXY_PREFIX}/*`, async (c) => {
    const url = new URL(c.req.url);
    const target = await ownedTarget(deps, c.req.header(PREVIEW_USER_HEADER), previewTargetOf(url.pathname + url.search));
    if (!target) return Response.json({ error: "unknown_port", message: NOT_LISTENED } satisfies VmErrorBody, { status: 404, headers: { [PREVIEW_REFUSED_HEADER]: "unknown_port" } });
    return proxyHttp(c.req.raw, target);
  });
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Node's `upgrade` listener: a preview's WebSocket, piped once the token and the port check pass; anything else refused. */
export function previewUpgradeHandler(vmToken: string, deps: PreviewRouteDeps): (request: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> {
  const expected = digest(`Bearer ${vmToken}`);
  const accept = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const given = digest(request.headers.authorization ?? "");
    if (!timingSafeEqual(given, expected)) return refuseUpgrade(socket, 401, "the VM token is missing or wrong");
    const user = request.headers[PREVIEW_USER_HEADER];
    const target = await ownedTarget(deps, typeof user === "string" ? user : undefined, previewTargetOf(request.url ?? ""));
    if (!target) return refuseUpgrade(socket, 404, NOT_LISTENED);
    pipeUpgrade(request, socket, head, target);
  };
  return (request, socket, head) => accept(request, socket, head).catch(() => void socket.destroy());
}
