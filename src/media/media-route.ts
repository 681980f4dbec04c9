// GET and HEAD /media/<token>: a stored media object for whoever holds a valid link (Twilio fetching
// what the relay sends, the agent VM fetching what the user sent). Every refusal of a link is the
// Worker's one 404, so a link tells nothing about whether an object exists; a relay without the
// key that checks links answers 503 (require-config.ts). Logs sizes and types only.
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { MEDIA_SECRET_SETTINGS } from "../channels/config";
import { systemClock } from "../shared/clock";
import { logEvent } from "../shared/log";
import { mediaHeaders, parseRange, rangeStillValid, unsatisfiableHeaders, type RangeRequest } from "./media-response";
import { verifyMediaToken } from "./media-token";
import { mediaKeysFor, storedInfo } from "./media-store";
import { refuseUnverifiable, requireConfig } from "../config/require-config";

const DAY_MS = 24 * 60 * 60 * 1000;

export const mediaRoute = new Hono<{ Bindings: Env }>();

// Hono answers HEAD through the GET route, dropping the body; the method is still the request's.
mediaRoute.get("/:token", async (c) => {
  const now = systemClock();
  const found = await findObject(c, now);
  if (!found.ok) return refuse(c, found.why);
  const { bucket, key, object } = found;
  const info = storedInfo(object);
  if (now - info.createdAt >= found.retentionDays * DAY_MS) {
    if ("body" in object) await object.body.cancel();
    return refuse(c, "expired");
  }
  const plan: RangeRequest = rangeStillValid(c.req.header("if-range"), info.etag) ? parseRange(c.req.header("range"), info.size) : { type: "full" };
  if (plan.type === "unsatisfiable") {
    if ("body" in object) await object.body.cancel();
    logEvent("media_served", { status: 416, contentType: info.contentType, size: info.size });
    return new Response(null, { status: 416, headers: unsatisfiableHeaders(info.size) });
  }
  const range = plan.type === "partial" ? plan.range : undefined;
  const status = range ? 206 : 200;
  const headers = mediaHeaders(info, range);
  logEvent("media_served", { status, method: c.req.method, contentType: info.contentType, size: info.size, bytes: Number(headers["content-length"]) });
  if (c.req.method === "HEAD") return new Response(null, { status, headers });
  if ("body" in object) return new Response(object.body, { status, headers });
  const body = await bucket.get(key, range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : {}).catch(() => null);
  if (!body) return refuse(c, "missing");
  return new Response(body.body, { status, headers });
});

type Found = { ok: true; bucket: R2Bucket; key: string; object: R2Object | R2ObjectBody; retentionDays: number } | { ok: false; why: string };

/** The object a token names, read with its body when the whole of it will be sent (one R2 call). */
async function findObject(c: Context<{ Bindings: Env }>, now: number): Promise<Found> {
  // A relay that cannot check a link says so (503), not that the link is wrong.
  const config = requireConfig(c.env);
  const keys = mediaKeysFor(config);
  if (!keys) refuseUnverifiable("/media", MEDIA_SECRET_SETTINGS);
  const bucket = c.env.MEDIA;
  if (!bucket) return { ok: false, why: "unconfigured" };
  const key = await verifyMediaToken((await keys).token, c.req.param("token") ?? "", now);
  if (!key) return { ok: false, why: "token" };
  const whole = c.req.method !== "HEAD" && !c.req.header("range");
  // An R2 failure is refused like a missing object: nothing about the store leaks either.
  const object = await (whole ? bucket.get(key) : bucket.head(key)).catch(() => null);
  if (!object) return { ok: false, why: "missing" };
  return { ok: true, bucket, key, object, retentionDays: config.media.retentionDays };
}

function refuse(c: Context, why: string): Response | Promise<Response> {
  logEvent("media_refused", { why });
  return c.notFound();
}
