// Twilio's Media resource: MediaUrlN needs the account's credentials and redirects to a short-lived link that serves the bytes.
import { Hono, type Context } from "hono";
import { toMediaResource, type StoredMedia } from "../core/media-resource";
import { TwilioErrors } from "../core/twilio-errors";
import type { EmulatorContext } from "../context";
import { originOf, twilioError } from "./twilio-http";
// RFC 9110's Range, read as the relay's own media route reads it (pure, no Worker API).
import { parseRange } from "../../src/media/media-response";

/** Where Twilio's media fetch sends the client: api.twilio.com answers 307 Temporary Redirect to its CDN. */
export const CDN_PREFIX = "/__media-cdn/";

/** The bytes with their type, length and (when known) the file's name, as Twilio's CDN serves them, a byte range too. */
export function mediaResponse(c: Context, media: StoredMedia): Response {
  const size = media.bytes.byteLength;
  const headers: Record<string, string> = {
    "content-type": media.contentType,
    "content-length": String(size),
    "cache-control": "private, max-age=0",
    "accept-ranges": "bytes",
  };
  if (media.filename) headers["content-disposition"] = `inline; filename="${media.filename.replace(/["\\\r\n]/g, "_")}"`;
  const asked = parseRange(c.req.header("range"), size);
  if (asked.type === "unsatisfiable") return c.body(null, 416, { "content-range": `bytes */${size}`, "accept-ranges": "bytes" });
  if (asked.type === "full") return c.body(media.bytes, 200, headers);
  const { start, end } = asked.range;
  const part = media.bytes.subarray(start, end + 1);
  return c.body(part, 206, { ...headers, "content-length": String(part.byteLength), "content-range": `bytes ${start}-${end}/${size}` });
}

/** Authentication of the account paths is app.ts's; the CDN link is, like Twilio's, open to whoever holds it. */
export function mediaApi(ctx: EmulatorContext): Hono {
  const { media, config } = ctx;
  const api = new Hono();

  api.get("/2010-04-01/Accounts/:accountSid/Messages/:messageSid/Media.json", (c) => {
    const list = media.forMessage(c.req.param("messageSid")).map(toMediaResource);
    const uri = c.req.path;
    return c.json({ media_list: list, first_page_uri: `${uri}?PageSize=50&Page=0`, end: Math.max(list.length - 1, 0), previous_page_uri: null, uri, page_size: 50, start: 0, next_page_uri: null, page: 0 }, 200);
  });

  api.get("/2010-04-01/Accounts/:accountSid/Messages/:messageSid/Media/:file", (c) => {
    const file = c.req.param("file");
    const found = media.find(file.replace(/\.json$/, ""));
    if (!found || found.messageSid !== c.req.param("messageSid")) return twilioError(c, TwilioErrors.notFound(c.req.path));
    if (file.endsWith(".json")) return c.json(toMediaResource(found), 200);
    const link = `${originOf(c)}${CDN_PREFIX}${media.issueLink(found.sid, config.now())}`;
    c.header("Location", link);
    return c.body(`<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse><RedirectTo>${link}</RedirectTo></TwilioResponse>`, 307, {
      "content-type": "application/xml",
    });
  });

  api.get(`${CDN_PREFIX}:token`, (c) => {
    const found = media.openLink(c.req.param("token"), config.now());
    if (!found) return c.text("Access Denied: this media link is unknown or has expired", 403);
    return mediaResponse(c, found);
  });

  return api;
}
