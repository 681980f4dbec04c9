// GET (and every method) /p/<token>/…: a /preview link's requests, HTTP and WebSocket upgrades
// (a dev server's hot reload), carried to the conversation's port through the VM's proxy route
// (docs/protocol.md): on the shared VM straight, on a per-user Machine through Fly's proxy as every
// VM call goes, the Machine started first. The token is checked here (signature, expiry); the
// phone's object checks its epochs and names the VM. Every refusal of a link is the same plain 404.
// `/p/<token>` without the slash is sent to `/p/<token>/`, so the app's relative paths resolve; its
// absolute paths come back through the Worker's not-found (previewFromOutside).
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { MEDIA_SECRET_SETTINGS } from "../channels/config";
import { refuseUnverifiable, requireConfig } from "../config/require-config";
import { PREVIEW_REFUSED_HEADER, PREVIEW_USER_HEADER, previewProxyPath } from "../protocol/vm/preview";
import { logEvent } from "../shared/log";
import { previewKeyFor } from "./preview-actions";
import { openPreviewToken, type PreviewLink } from "./preview-token";

export const previewRoute = new Hono<{ Bindings: Env }>();

const notFound = (why: string) => {
  logEvent("preview_link_refused", { why });
  return new Response("Not found", { status: 404, headers: { "cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex" } });
};

/** Headers the VM must not get from the phone's browser: its own credentials are the relay's, the user header is set here. */
const DROPPED = ["authorization", "cookie", PREVIEW_USER_HEADER, "cf-connecting-ip", "x-forwarded-for", "fly-force-instance-id"];

previewRoute.all("/:token", (c) => proxyPreview(c));
previewRoute.all("/:token/*", (c) => proxyPreview(c));

/** The cookie that names the preview a browser last opened, for a WebSocket asked at an absolute path. */
export const PREVIEW_COOKIE = "relay_preview";
const TOKEN_IN_PATH = /^\/p\/([A-Za-z0-9_-]{88})(?:\/|$)/;

async function proxyPreview(c: Context<{ Bindings: Env }>): Promise<Response> {
  const token = c.req.param("token") ?? "";
  const link = await openLink(c.env, token);
  if (!link) return notFound("token");
  const url = new URL(c.req.url);
  const rest = url.pathname.slice(`/p/${token}`.length);
  if (rest === "") return c.req.method === "GET" ? c.redirect(`/p/${token}/`, 308) : notFound("path");
  const answer = await carry(c, link, rest + url.search);
  if (answer.status === 101 || !(answer.headers.get("content-type") ?? "").startsWith("text/html")) return answer;
  // A page: the browser remembers which preview it opened, for what the page asks at an absolute path
  // with no Referer to tell (a WebSocket's handshake). Only this path's requests read it (previewFromOutside).
  const page = new Response(answer.body, answer);
  const maxAge = Math.max(0, Math.floor((link.expiresAt - Date.now()) / 1000));
  page.headers.append("set-cookie", `${PREVIEW_COOKIE}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`);
  return page;
}

/**
 * A request at a path the Worker does not serve, made by a preview's page: an app that asks for
 * `/assets/app.js` or `/@vite/client` (absolute paths, as dev servers write them) under
 * `/p/<token>/`. The preview is the one in the same-origin Referer's path, or else, for a WebSocket
 * (whose handshake has no Referer), the one the browser last opened (its cookie). A plain request is
 * sent (307, method and body kept) to the same path under the link, so what it loads resolves there
 * too; a WebSocket is carried in place, since browsers do not follow a handshake's redirect. Null
 * (the Worker's own 404) when nothing names a preview or its token does not open: the Worker's own
 * routes are never reached by this, since they match first.
 */
export async function previewFromOutside(c: Context<{ Bindings: Env }>): Promise<Response | null> {
  const url = new URL(c.req.url);
  const websocket = (c.req.header("upgrade") ?? "").toLowerCase() === "websocket";
  const token = tokenOfReferer(c.req.header("referer"), url.origin) ?? (websocket ? tokenOfCookie(c.req.header("cookie")) : null);
  if (!token) return null;
  const link = await openLink(c.env, token);
  if (!link) return null;
  logEvent("preview_absolute_path", { websocket });
  if (websocket) return carry(c, link, url.pathname + url.search);
  return new Response(null, { status: 307, headers: { location: `/p/${token}${url.pathname}${url.search}`, "cache-control": "no-store" } });
}

function tokenOfReferer(referer: string | undefined, origin: string): string | null {
  if (!referer) return null;
  try {
    const from = new URL(referer);
    return from.origin === origin ? (TOKEN_IN_PATH.exec(from.pathname)?.[1] ?? null) : null;
  } catch {
    return null;
  }
}

function tokenOfCookie(cookie: string | undefined): string | null {
  for (const part of (cookie ?? "").split(";")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === PREVIEW_COOKIE && value && /^[A-Za-z0-9_-]{88}$/.test(value)) return value;
  }
  return null;
}

async function openLink(env: Env, token: string) {
  const key = previewKeyFor(requireConfig(env));
  if (!key) refuseUnverifiable("/p", MEDIA_SECRET_SETTINGS);
  return openPreviewToken(await key, token, Date.now());
}

/** The request to the conversation's port through the VM's proxy, its server started again once if it is gone. */
async function carry(c: Context<{ Bindings: Env }>, link: PreviewLink, appPath: string): Promise<Response> {
  let agent: ReturnType<Env["PHONE_AGENT"]["get"]>;
  try {
    agent = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromString(link.object));
  } catch {
    return notFound("object");
  }
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
