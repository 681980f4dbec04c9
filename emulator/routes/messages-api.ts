// Twilio's Programmable Messaging REST API as the relay uses it: create a Message, and fetch one.
import { Hono } from "hono";
import { parseMessageRequest } from "../core/message-request";
import { toMessageResource, type OutboundMessage } from "../core/message-resource";
import { phoneOf } from "../core/phone";
import { TwilioErrors } from "../core/twilio-errors";
import type { EmulatorContext } from "../context";
import { readForm, requireTwilioAuth, twilioError } from "./twilio-http";

export function messagesApi(ctx: EmulatorContext): Hono {
  const { config, store } = ctx;
  const api = new Hono();

  api.use("/2010-04-01/Accounts/:accountSid/*", requireTwilioAuth(config), async (c, next) => {
    // Credentials of one account cannot reach another account's resources.
    if (c.req.param("accountSid") !== config.accountSid) return twilioError(c, TwilioErrors.authenticate);
    await next();
  });

  api.post("/2010-04-01/Accounts/:accountSid/Messages.json", async (c) => {
    const form = await readForm(c);
    const fault = store.takeFault(form.To ?? "");
    if (fault) return twilioError(c, fault === 429 ? TwilioErrors.tooManyRequests : TwilioErrors.internal(fault));

    const parsed = parseMessageRequest(form, config.whatsappFrom);
    if (!parsed.ok) return twilioError(c, parsed.error);
    const request = parsed.value;
    const now = config.now();
    const message: OutboundMessage = {
      sid: ctx.newSid("SM"),
      accountSid: config.accountSid,
      to: request.to,
      from: request.from ?? config.whatsappFrom,
      fromService: request.from === undefined,
      messagingServiceSid: request.messagingServiceSid,
      body: request.body,
      contentSid: request.contentSid,
      contentVariables: request.contentVariables,
      statusCallback: request.statusCallback,
      status: request.from === undefined ? "accepted" : "queued",
      errorCode: null,
      errorMessage: null,
      createdAt: now,
      updatedAt: now,
    };
    // WhatsApp drops the typing bubble when the next message arrives.
    ctx.typing.hide(phoneOf(message.to));
    store.addOutbound(message);
    ctx.deliveries.start(message);
    return c.json(toMessageResource(message), 201);
  });

  api.get("/2010-04-01/Accounts/:accountSid/Messages/:file", (c) => {
    const message = store.findOutbound(c.req.param("file").replace(/\.json$/, ""));
    if (!message) return twilioError(c, TwilioErrors.notFound(c.req.path));
    return c.json(toMessageResource(message), 200);
  });

  return api;
}
