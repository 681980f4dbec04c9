// Twilio's Programmable Messaging REST API as the relay uses it: create a Message, and fetch one.
import { Hono } from "hono";
import { parseMessageRequest } from "../core/message-request";
import { toMessageResource, type OutboundMessage } from "../core/message-resource";
import { retryAfterSeconds } from "../core/outage";
import { phoneOf } from "../core/phone";
import { injectedError, TwilioErrors } from "../core/twilio-errors";
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
    // An outage answers every create while it lasts; a counted fault answers the next few.
    const at = config.now();
    const outage = store.outageFor(form.To ?? "", at);
    if (outage) {
      if (outage.status === 429) c.header("Retry-After", String(retryAfterSeconds(outage.endsAt, at)));
      return twilioError(c, injectedError(outage.status));
    }
    const fault = store.takeFault(form.To ?? "");
    if (fault) {
      if (fault === 429) c.header("Retry-After", "1");
      return twilioError(c, injectedError(fault));
    }

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
