// GET (and every method) /p/<token>/…: a /preview link's requests, HTTP and WebSocket upgrades
// (a dev server's hot reload), carried to the conversation's port through the VM's proxy route
// (docs/protocol.md): on the shared VM straight, on a per-user Machine through Fly's proxy as every
// VM call goes, the Machine started first. The token is checked here (signature, expiry); the
// phone's object checks its epochs and names the VM. Every refusal of a link is the same plain 404.
// `/p/<token>` without the slash is sent to `/p/<token>/`, so the app's relative paths resolve.
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { MEDIA_SECRET_SETTINGS } from "../config/config";
import { refuseUnverifiable, requireConfig } from "../config/require-config";
import { PREVIEW_REFUSED_HEADER, PREVIEW_USER_HEADER, previewProxyPath } from "../protocol/vm/preview";
import { logEvent } from "../shared/log";
import { previewKeyFor } from "./preview-actions";
import { openPreviewToken } from "./preview-token";

export const previewRoute = new Hono<{ Bindings: Env }>();

const notFound = (why: string) => {
  logEvent("preview_link_refused", { why });
  return new Response("Not found", { status: 404, headers: { "cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex" } });
};

/** Headers the VM must not get from the phone's browser: its own credentials are the relay's, the user header is set here. */
const DROPPED = ["authorization", "cookie", PREVIEW_USER_HEADER, "cf-connecting-ip", "x-forwarded-for", "fly-force-instance-id"];

previewRoute.all("/:token", (c) => proxyPreview(c));
previewRoute.all("/:token/*", (c) => proxyPreview(c));

async function proxyPreview(c: Context<{ Bindings: Env }>): Promise<Response> {
  const key = previewKeyFor(requireConfig(c.env));
  if (!key) refuseUnverifiable("/p", MEDIA_SECRET_SETTINGS);
  const token = c.req.param("token") ?? "";
  const link = await openPreviewToken(await key, token, Date.now());
  if (!link) return notFound("token");
  let agent: ReturnType<Env["PHONE_AGENT"]["get"]>;
  try {
    agent = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromString(link.object));
  } catch {
    return notFound("object");
  }
  const url = new URL(c.req.url);
  const rest = url.pathname.slice(`/p/${token}`.length);
  if (rest === "") return c.req.method === "GET" ? c.redirect(`/p/${token}/`, 308) : notFound("path");
  const appPath = rest + url.search;
  const body = c.req.method === "GET" || c.req.method === "HEAD" ? null : await c.req.arrayBuffer();
  for (const restart of [false, true]) {
    const target = await agent.previewTarget({ conversationId: link.conversationId, port: link.port, epoch: link.epoch, previewEpoch: link.previewEpoch, restart });
    if (!target.ok) return target.reason === "gone" ? notFound("revoked_or_gone") : new Response("The agent's VM could not be reached; try again in a minute.", { status: 502 });
    const headers = new Headers(c.req.raw.headers);
    for (const name of DROPPED) headers.delete(name);
    for (const [name, value] of Object.entries(target.headers)) headers.set(name, value);
    headers.set("authorization", `Bearer ${target.token}`);
    headers.set(PREVIEW_USER_HEADER, target.userId);
    const answer = await fetch(new URL(previewProxyPath(target.workspace, link.port, appPath), target.url), { method: c.req.method, headers, body, redirect: "manual" });
    // Nothing of the conversation listens there any more: its remembered server is started again, once.
    if (answer.status === 404 && !restart && answer.headers.get(PREVIEW_REFUSED_HEADER)) continue;
    return answer;
  }
  return notFound("not_listening");
}
