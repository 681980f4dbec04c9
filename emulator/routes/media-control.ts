// Control routes for media and templates: Twilio-shaped media URLs for bytes a test supplies, the page's view of media, seeded templates.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { SeedContentSchema } from "../config";
import { mediaPath } from "../core/media-resource";
import type { EmulatorContext } from "../context";
import { seedContent } from "../shell/content-store";
import { readJson } from "./control-api";
import { mediaResponse } from "./media-api";
import { originOf } from "./twilio-http";

/** The emulator's own cap on an attachment it is handed: WhatsApp's 16 MB per message. */
export const MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024;

/** A file as JSON: its bytes in base64, its MIME type, optionally its name. */
export const AttachmentSchema = z.object({
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, "a MIME type such as image/png"),
  base64: z.base64().refine((text) => text.length > 0, "the file is empty"),
  filename: z.string().min(1).max(255).optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export function decodeAttachment(attachment: Attachment): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Buffer.from(attachment.base64, "base64"));
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) throw new HTTPException(413, { message: `an attachment may be at most ${MAX_ATTACHMENT_BYTES} bytes` });
  return bytes;
}

const MediaSchema = AttachmentSchema.extend({ messageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/).optional() });

export function mediaControl(ctx: EmulatorContext): Hono {
  const { config, media, contents } = ctx;
  const api = new Hono();

  /** Bytes become a Media resource of a (new or given) message: what a webhook's MediaUrl0 would point at. */
  api.post("/__emulator/media", async (c) => {
    const input = await readJson(c, MediaSchema);
    const stored = {
      sid: ctx.newSid("ME"),
      accountSid: config.accountSid,
      messageSid: input.messageSid ?? ctx.newSid("MM"),
      contentType: input.contentType,
      bytes: decodeAttachment(input),
      filename: input.filename ?? null,
      createdAt: config.now(),
    };
    media.add(stored);
    const url = `${originOf(c)}${mediaPath(stored)}`;
    return c.json({ url, sid: stored.sid, messageSid: stored.messageSid, contentType: stored.contentType, size: stored.bytes.byteLength }, 201);
  });

  /** The simulator page's view of any media the emulator holds, without Twilio's authentication. */
  api.get("/__emulator/media/:sid", (c) => {
    const found = media.find(c.req.param("sid"));
    if (!found) throw new HTTPException(404, { message: "no such media" });
    return mediaResponse(c, found);
  });

  /** A template with a SID of the test's choosing, approved for WhatsApp or not. */
  api.post("/__emulator/contents", async (c) => {
    const seeded = seedContent(contents, await readJson(c, SeedContentSchema), () => ctx.newSid("HX"), config.now());
    if (!seeded.ok) throw new HTTPException(400, { message: seeded.error.message });
    return c.json({ sid: seeded.value.sid, approved: seeded.value.approval !== null }, 201);
  });

  return api;
}
