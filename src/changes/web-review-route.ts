// The private page's draft review, under the page's own link: POST /web/<token>/review/comments (a
// comment on a line of a change the link shows), DELETE …/review/comments/<id>, POST
// …/review/send (the draft to the agent as one message); and GET /web/review.js, the page's one
// script. The link is opened as for a read (web/web-route.ts, which the Worker's entry hands in as
// `ReviewPageDoor`: the page stands above the review), so an expired, altered or revoked link
// gets the same plain 404. The token is the only credential: every write must come from the page
// itself (its browser says so), and its JSON body is checked before the object is asked.
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Hono } from "hono/tiny";
import { logEvent } from "../shared/log";
import { isSameOriginRequest, parseJsonBody, ReviewCommentRequestSchema, ReviewSendRequestSchema } from "./review-draft";
import type { ReviewAction } from "./review-drafts";
import { REVIEW_SCRIPT } from "./review-script";
import { requireConfig } from "../config/require-config";
import type { PageScope } from "../conversations/page-scope";

/** How the page opens its link, refuses one, and what every answer under /web carries (web/web-route.ts). */
export type ReviewPageDoor = {
  /** The link `token` opens and the object it names; the reason to refuse it otherwise. */
  open(c: Context<{ Bindings: Env }>): Promise<{ ok: true; link: { scope: PageScope; epoch: number }; agent: ReturnType<Env["PHONE_AGENT"]["get"]> } | { ok: false; why: string }>;
  /** The one plain 404 of every refused link. */
  refuse(why: string): Response;
  headers: Readonly<Record<string, string>>;
};

/** A comment is a few KB at most (REVIEW_COMMENT_MAX_CHARS and a line's text). */
const MAX_BODY_BYTES = 64 * 1024;

/** The review's routes under /web, opening links through `door`. */
export function webReviewRoutes(door: ReviewPageDoor) {
  const webReviewRoute = new Hono<{ Bindings: Env }>();
  const answer = answerWith(door.headers);
  const act = actThrough(door, answer);
  const limited = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => answer(413, { error: "The request is too large." }) });

  /** The page's script (same origin, so CSP `default-src 'self'` runs it; no inline script). */
  webReviewRoute.get("/review.js", () => new Response(REVIEW_SCRIPT, { headers: { ...door.headers, "content-type": "text/javascript; charset=utf-8" } }));

  webReviewRoute.post("/:token/review/comments", limited, (c) =>
    act(c, async () => {
      const body = await jsonOf(c, ReviewCommentRequestSchema);
      return body.ok ? { kind: "add", comment: body.value } : body;
    }),
  );

  webReviewRoute.delete("/:token/review/comments/:id", (c) =>
    act(c, async () => {
      const id = c.req.param("id") ?? "";
      return /^[1-9][0-9]{0,14}$/.test(id) ? { kind: "remove", commentId: Number(id) } : { ok: false, error: "Not a comment's id." };
    }),
  );

  webReviewRoute.post("/:token/review/send", limited, (c) =>
    act(c, async () => {
      const body = await jsonOf(c, ReviewSendRequestSchema);
      return body.ok ? { kind: "send", draftId: body.value.draftId } : body;
    }),
  );
  return webReviewRoute;
}

type Refused = { ok: false; error: string };

/** Checks where the request comes from, opens the link, reads the action, and asks the object. */
const actThrough = (door: ReviewPageDoor, answer: Answer) => async (c: Context<{ Bindings: Env }>, readAction: () => Promise<ReviewAction | Refused>): Promise<Response> => {
  const config = requireConfig(c.env);
  const origins = [new URL(c.req.url).origin, ...(config.publicUrl ? [config.publicUrl] : [])];
  if (!isSameOriginRequest({ secFetchSite: c.req.header("sec-fetch-site") ?? null, origin: c.req.header("origin") ?? null }, origins)) {
    logEvent("web_review_refused", { why: "cross_site", path: "/web/…" });
    return answer(403, { error: "Refused: the request did not come from the page." });
  }
  const linked = await door.open(c);
  if (!linked.ok) return door.refuse(linked.why);
  const action = await readAction();
  if ("ok" in action) return answer(400, { error: action.error });
  const result = await linked.agent.review({ scope: linked.link.scope, epoch: linked.link.epoch, action });
  if (!result) return door.refuse("revoked_or_gone");
  if (!result.ok) return answer(result.status, { error: result.error });
  return answer(200, { draft: result.draft, ...(result.sent ? { sent: result.sent === "already" ? "already" : "sent" } : {}) });
};

/** The body as JSON of `schema`'s shape, or the one line that says why not. */
async function jsonOf<T>(c: Context, schema: Parameters<typeof parseJsonBody<T>>[0]): Promise<{ ok: true; value: T } | Refused> {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) return { ok: false, error: "The body must be JSON (Content-Type: application/json)." };
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, error: "The body is not valid JSON." };
  }
  return parseJsonBody(schema, raw);
}

type Answer = (status: number, body: unknown) => Response;

const answerWith = (headers: Readonly<Record<string, string>>): Answer => (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
