// A simulated user writes: the emulator posts the relay exactly the signed form Twilio would for an incoming WhatsApp text.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { PhoneSchema } from "../config";
import type { EmulatorContext } from "../context";
import { incomingMessageForm } from "../core/webhook-forms";
import { postSignedForm } from "../shell/signed-post";
import { readJson } from "./control-api";

/** Twilio's "HTTP retrieval failure": what its debugger logs when the application's webhook fails. */
const WEBHOOK_FAILED = 11200;

const InboundSchema = z.object({
  from: PhoneSchema,
  body: z.string().min(1),
  profileName: z.string().min(1).optional(),
});

export function simulatedInbound(ctx: EmulatorContext): Hono {
  const { config, store } = ctx;
  const api = new Hono();

  api.post("/__emulator/inbound", async (c) => {
    const input = await readJson(c, InboundSchema);
    const url = config.inboundWebhookUrl;
    if (!url) throw new HTTPException(409, { message: "this emulator has no inboundWebhookUrl to post to" });

    const sid = ctx.newSid("SM");
    const profileName = input.profileName ?? config.users.find((u) => u.phone === input.from)?.name ?? "Simulator";
    // The window opens when the user writes, whatever the application does with the message.
    store.addIncoming({ sid, from: input.from, body: input.body, status: "sent", errorCode: null, at: config.now() });
    const form = incomingMessageForm({
      sid,
      accountSid: config.accountSid,
      from: input.from,
      to: config.whatsappFrom,
      body: input.body,
      profileName,
    });
    const result = await postSignedForm(url, form, config.authToken, ctx.shutdown);

    const accepted = result.ok && result.status >= 200 && result.status < 300;
    // A typing indicator may already have marked it read while the relay was answering.
    if (accepted && store.findIncoming(sid)?.status === "sent") store.setIncomingStatus(sid, "delivered", null);
    if (!accepted) store.setIncomingStatus(sid, "failed", WEBHOOK_FAILED);
    if (!result.ok) return c.json({ sid, status: 0, error: result.error }, 502);
    return c.json({ sid, status: result.status });
  });

  return api;
}
