// A simulated user writes, attaches a file or taps a button: the emulator posts the relay exactly the signed form Twilio would.
import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { PhoneSchema } from "../config";
import type { EmulatorContext } from "../context";
import { mediaPath } from "../core/media-resource";
import { phoneOf } from "../core/phone";
import { buttonTapForm, incomingMessageForm } from "../core/webhook-forms";
import { deliverIncoming, type IncomingResult } from "../shell/incoming-delivery";
import { mediaViewUrl, type ChatMedia, type IncomingMessage } from "../shell/store";
import { readJson } from "./control-api";
import { AttachmentSchema, decodeAttachment } from "./media-control";
import { originOf } from "./twilio-http";

const InboundSchema = z
  .object({
    from: PhoneSchema,
    /** The text; with media, its caption (optional). */
    body: z.string().default(""),
    profileName: z.string().min(1).optional(),
    /** WhatsApp sends one attachment per message; more are allowed here to exercise a relay's NumMedia handling. */
    media: z.array(AttachmentSchema).max(10).default([]),
  })
  .refine((input) => input.body.length > 0 || input.media.length > 0, "a message needs a body or media");

const TapSchema = z
  .object({
    messageSid: z.string().min(1),
    /** The tapped button's id (its ButtonPayload), or its position from 0. */
    payload: z.string().optional(),
    index: z.number().int().min(0).optional(),
    profileName: z.string().min(1).optional(),
  })
  .refine((tap) => (tap.payload === undefined) !== (tap.index === undefined), "give either payload or index");

export function simulatedInbound(ctx: EmulatorContext): Hono {
  const { config, store, media } = ctx;
  const api = new Hono();

  const webhookUrl = (): string => {
    if (!config.inboundWebhookUrl) throw new HTTPException(409, { message: "this emulator has no inboundWebhookUrl to post to" });
    return config.inboundWebhookUrl;
  };
  const profileNameOf = (phone: string, given: string | undefined) =>
    given ?? config.users.find((u) => u.phone === phone)?.name ?? "Simulator";
  const answer = (c: Context, result: IncomingResult, extra: object = {}) => c.json({ ...result, ...extra }, result.error ? 502 : 200);

  api.post("/__emulator/inbound", async (c) => {
    const input = await readJson(c, InboundSchema);
    const url = webhookUrl();
    // Twilio gives incoming media messages an MM SID, texts an SM one.
    const sid = ctx.newSid(input.media.length > 0 ? "MM" : "SM");
    const attached = input.media.map((file) => {
      const stored = {
        sid: ctx.newSid("ME"),
        accountSid: config.accountSid,
        messageSid: sid,
        contentType: file.contentType,
        bytes: decodeAttachment(file),
        filename: file.filename ?? null,
        createdAt: config.now(),
      };
      media.add(stored);
      return { stored, url: `${originOf(c)}${mediaPath(stored)}` };
    });
    const shown: ChatMedia[] = attached.map(({ stored }) => ({
      sid: stored.sid,
      contentType: stored.contentType,
      size: stored.bytes.byteLength,
      filename: stored.filename,
      url: mediaViewUrl(stored.sid),
    }));
    const form = incomingMessageForm({
      sid,
      accountSid: config.accountSid,
      from: input.from,
      to: config.whatsappFrom,
      body: input.body,
      profileName: profileNameOf(input.from, input.profileName),
      media: attached.map(({ stored, url: mediaUrl }) => ({ url: mediaUrl, contentType: stored.contentType })),
    });
    const message: IncomingMessage = { sid, from: input.from, body: input.body, media: shown, replyTo: null, status: "sent", errorCode: null, at: config.now() };
    const result = await deliverIncoming(ctx, message, form, url);
    const listed = attached.map(({ stored, url: mediaUrl }) => ({ sid: stored.sid, url: mediaUrl, contentType: stored.contentType }));
    return answer(c, result, listed.length > 0 ? { media: listed } : {});
  });

  api.post("/__emulator/tap", async (c) => {
    const tap = await readJson(c, TapSchema);
    const url = webhookUrl();
    const tapped = store.findOutbound(tap.messageSid);
    if (!tapped) throw new HTTPException(404, { message: `no message ${tap.messageSid} was sent` });
    const button = tap.index !== undefined ? tapped.buttons[tap.index] : tapped.buttons.find((b) => b.id === tap.payload);
    if (!button) throw new HTTPException(400, { message: `message ${tap.messageSid} has no such button` });

    const user = phoneOf(tapped.to);
    const sid = ctx.newSid("SM");
    const form = buttonTapForm({
      sid,
      accountSid: config.accountSid,
      from: user,
      to: tapped.from,
      profileName: profileNameOf(user, tap.profileName),
      button,
      repliedTo: { sid: tapped.sid, sentAsTemplate: tapped.sentAsTemplate },
    });
    const message: IncomingMessage = { sid, from: user, body: button.title, media: [], replyTo: tapped.sid, status: "sent", errorCode: null, at: config.now() };
    return answer(c, await deliverIncoming(ctx, message, form, url));
  });

  return api;
}
