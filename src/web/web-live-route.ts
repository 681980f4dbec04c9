// The private page's live part, under the page's own link: GET /web/<token>/live (a WebSocket the
// object holds, hibernating: web/live-pages.ts), POST …/live/act (the run's stop and an
// approval's answer, from a link sent within the hour), GET …/live/picture/<approval> (an edit's
// picture, as the chat got it), and GET /web/live.js, the script that shows it. The link is opened
// as for the page (web-route.ts): an expired, altered or revoked link gets the same plain 404. The
// socket and the writes must come from the page itself; the picture, read-only, is the link's like the page.
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Hono } from "hono/tiny";
import { logEvent } from "../shared/log";
import { isSameOriginRequest, parseJsonBody } from "../changes/review-draft";
import { actUntilOf, approvalIdOf, LIVE_OPEN_HEADER, LiveActionSchema, sinceOf } from "./web-live";
import { requireConfig } from "../config/require-config";
import { openLinkedAgent, refuseLink, WEB_HEADERS } from "./web-route";

export const webLiveRoute = new Hono<{ Bindings: Env }>();

/** The script is read only when a page asks for it: it stays off the Worker's start path. */
webLiveRoute.get("/live.js", async () => {
  const { LIVE_SCRIPT } = await import("./live-script");
  return new Response(LIVE_SCRIPT, { headers: { ...WEB_HEADERS, "content-type": "text/javascript; charset=utf-8" } });
});

webLiveRoute.get("/:token/live", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return answer(426, { error: "This address is the page's live socket." });
  if (!fromThePage(c)) return answer(403, { error: "Refused: the request did not come from the page." });
  const since = sinceOf(c.req.query("since") ?? null);
  if (since === null) return answer(400, { error: "since must be the number of the last event the page has." });
  const linked = await openLinkedAgent(c);
  if (!linked.ok) return refuseLink(linked.why);
  const { link, agent } = linked;
  if (link.scope.kind === "dashboard") return refuseLink("scope");
  // The link is named to the object by a part of its digest (the object never sees a token): its sockets are counted together.
  const open = { scope: link.scope, epoch: link.epoch, expiresAt: link.expiresAt, actUntil: actUntilOf(link.issuedAt ?? null, link.expiresAt), since, link: link.digest.slice(0, 32) };
  const response = await agent.fetch(new Request(c.req.url, { headers: { upgrade: "websocket", [LIVE_OPEN_HEADER]: JSON.stringify(open) } }));
  // The object answers 404 for a revoked link or a deleted conversation: the page's own 404.
  return response.status === 101 ? response : refuseLink("revoked_or_gone");
});

/**
 * An approval's picture, read as the page is: the link authorises it (an altered, expired or
 * revoked link, another conversation's approval, one with no picture: the page's plain 404), and
 * the object names where it is stored. Never a public address: it ends with the link.
 */
webLiveRoute.get("/:token/live/picture/:approval", async (c) => {
  const approvalId = approvalIdOf(c.req.param("approval"));
  if (approvalId === null) return refuseLink("approval_id");
  const linked = await openLinkedAgent(c);
  if (!linked.ok) return refuseLink(linked.why);
  const { link, agent } = linked;
  if (link.scope.kind === "dashboard") return refuseLink("scope");
  const stored = await agent.livePicture({ scope: link.scope, epoch: link.epoch, approvalId });
  // Only the PNG the VM drew (storeOutbound sniffed it): nothing else is ever served under the page's origin.
  const object = stored?.contentType === "image/png" ? await c.env.MEDIA?.get(stored.key) : null;
  if (!object) return refuseLink("no_picture");
  return new Response(object.body, { headers: { ...WEB_HEADERS, "content-type": "image/png", "content-length": String(object.size) } });
});

/** A stop or an answer is a few bytes. */
const limited = bodyLimit({ maxSize: 4 * 1024, onError: () => answer(413, { error: "The request is too large." }) });

webLiveRoute.post("/:token/live/act", limited, async (c) => {
  if (!fromThePage(c)) {
    logEvent("web_live_refused", { why: "cross_site", path: "/web/…" });
    return answer(403, { error: "Refused: the request did not come from the page." });
  }
  const linked = await openLinkedAgent(c);
  if (!linked.ok) return refuseLink(linked.why);
  const { link, agent } = linked;
  if (link.scope.kind === "dashboard") return refuseLink("scope");
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) return answer(400, { error: "The body must be JSON (Content-Type: application/json)." });
  const raw = await c.req.json().catch(() => undefined);
  const action = parseJsonBody(LiveActionSchema, raw);
  if (!action.ok) return answer(400, { error: action.error });
  const result = await agent.liveAction({ scope: link.scope, epoch: link.epoch, actUntil: actUntilOf(link.issuedAt ?? null, link.expiresAt), action: action.value });
  if (result === null) return refuseLink("revoked_or_gone");
  return answer(result.ok ? 200 : result.status, result.ok ? { said: result.said } : { error: result.error });
});

/** The page's own requests only: its browser says so (Sec-Fetch-Site), or its Origin is this relay's. */
function fromThePage(c: Context<{ Bindings: Env }>): boolean {
  const config = requireConfig(c.env);
  const origins = [new URL(c.req.url).origin, ...(config.publicUrl ? [config.publicUrl] : [])];
  return isSameOriginRequest({ secFetchSite: c.req.header("sec-fetch-site") ?? null, origin: c.req.header("origin") ?? null }, origins);
}

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...WEB_HEADERS, "content-type": "application/json; charset=utf-8" } });
}
