// GET /web/<token>: the private page a /web or /dashboard link opens, and GET
// /web/<token>/runs/<run id>: one run's page under the same link. The token is looked up here
// (the directory keeps what it opens until it expires), then the object it names (by id: the number is not in the link) is asked
// for the page's data: that object checks
// the link's epoch (/web revoke) and, for the dashboard, that the phone is still an admin. Every
// refusal of a link is the same plain 404, so a link tells nothing of why it does not work; a
// relay without the key that checks links answers 503 (require-config.ts). The draft review's
// routes under the same link (web-review-route.ts) open it the same way.
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { MEDIA_SECRET_SETTINGS } from "../channels/config";
import { logEvent } from "../shared/log";
import { inlineChange, type WebPage } from "./web-page-model";
import { webLinkKeyFor, type WebLink } from "./web-token";
import { directoryOf } from "../directory/user-directory";
import { openWebLink } from "./web-links";
import { isSafeDiffHtml } from "../protocol/vm/changes";
import { refuseUnverifiable, requireConfig } from "../config/require-config";
import { PAGE_CSS, renderWebPage } from "./web-page";

export const webRoute = new Hono<{ Bindings: Env }>();

/** Headers of every answer under /web, the 404s too: nothing cached, indexed or sent on as a referrer. */
export const WEB_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex",
  "x-content-type-options": "nosniff",
};

webRoute.get("/page.css", () => new Response(PAGE_CSS, { headers: { ...WEB_HEADERS, "content-type": "text/css; charset=utf-8" } }));

webRoute.get("/:token", (c) => servePage(c, null));

/** One run's page (all its tool calls, its diff): under the same link, for runs of the conversations it covers only. */
webRoute.get("/:token/runs/:runId", (c) => {
  const runId = c.req.param("runId");
  return RUN_ID.test(runId) ? servePage(c, runId) : refuseLink("run_id");
});

/** Run ids as the relay makes them (and at most the protocol's 80 characters): anything else is no run. */
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** The link `token` opens and the object it names; the reason to refuse it otherwise (one 404 for every reason). */
export async function openLinkedAgent(c: Context<{ Bindings: Env }>): Promise<{ ok: true; link: WebLink & { digest: string }; agent: ReturnType<Env["PHONE_AGENT"]["get"]> } | { ok: false; why: string }> {
  // A relay that cannot check a link says so (503), not that the link is wrong.
  const key = webLinkKeyFor(requireConfig(c.env));
  if (!key) refuseUnverifiable("/web", MEDIA_SECRET_SETTINGS);
  const link = await openWebLink(directoryOf(c.env), await key, c.req.param("token") ?? "");
  if (!link) return { ok: false, why: "token" };
  try {
    return { ok: true, link, agent: c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromString(link.object)) };
  } catch {
    // Stored by this relay, so only an id of another namespace gets here.
    return { ok: false, why: "object" };
  }
}

async function servePage(c: Context<{ Bindings: Env }>, runId: string | null): Promise<Response> {
  const linked = await openLinkedAgent(c);
  if (!linked.ok) return refuseLink(linked.why);
  const { link, agent } = linked;
  const token = c.req.param("token") ?? "";
  const request = runId === null ? { kind: "page" as const, scope: link.scope, epoch: link.epoch } : { kind: "run" as const, scope: link.scope, epoch: link.epoch, runId };
  const page = (await agent.webPage(request)) as WebPage | null;
  // The object answers for its own phone only; a page of another kind than the link's is refused too.
  if (!page || (page.kind === "dashboard") !== (link.scope.kind === "dashboard")) return refuseLink("revoked_or_gone");
  logEvent("web_page_served", { kind: runId === null ? link.scope.kind : "run" });
  const diffs = await readDiffs(c.env.MEDIA, diffKeysOf(page));
  return new Response(renderWebPage(page, { base: `/web/${token}`, diffs }), { headers: { ...WEB_HEADERS, "content-type": "text/html; charset=utf-8" } });
}

/** The diffs' HTML a page shows: the newest change's inline, or each change of the run's page. */
function diffKeysOf(page: WebPage): string[] {
  const changes = page.kind === "run" ? page.run.changes : page.kind === "conversations" ? [inlineChange(page.conversations)] : [];
  return changes.flatMap((c) => (c?.diffHtmlKey ? [c.diffHtmlKey] : []));
}

/**
 * Read from R2 by the keys the object gave (never from the request); a key not found (or no
 * bucket) maps to null. The HTML goes into the page as it is, so it is checked again as on its
 * way in: what holds markup diff2html does not make is not shown (the bucket is not the only
 * writer a page should trust).
 */
async function readDiffs(bucket: R2Bucket | undefined, keys: string[]): Promise<Map<string, string | null>> {
  const read = async (key: string) => {
    const object = bucket ? await bucket.get(key).catch(() => null) : null;
    const html = object ? await object.text() : null;
    const safe = html !== null && isSafeDiffHtml(html);
    if (html !== null && !safe) logEvent("web_diff_refused", { key, chars: html.length });
    return [key, safe ? html : null] as const;
  };
  return new Map(await Promise.all(keys.map(read)));
}

export function refuseLink(why: string): Response {
  logEvent("web_page_refused", { why, path: "/web/…" });
  return new Response("Not found", { status: 404, headers: { ...WEB_HEADERS, "content-type": "text/plain; charset=utf-8" } });
}
