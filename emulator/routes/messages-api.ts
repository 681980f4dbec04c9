// Twilio's Programmable Messaging REST API as the relay uses it: create a Message (text, template,
// media), fetch one, and list them (filters, newest first, pages: core/message-list.ts).
import type { IncomingMessage } from "node:http";
import { type Context, Hono } from "hono";
import { listMessages, ListQuerySchema } from "../core/message-list";
import { renderContent, type RenderedContent } from "../core/content-render";
import { parseMessageRequest, type MessageRequest } from "../core/message-request";
import { toMessageResource, type OutboundMessage } from "../core/message-resource";
import { retryAfterSeconds } from "../core/outage";
import { isWhatsApp, phoneOf } from "../core/phone";
import { injectedError, OUTSIDE_WINDOW_AT_CREATE, TwilioErrors, type TwilioError } from "../core/twilio-errors";
import type { EmulatorContext } from "../context";
import { readParams, twilioError } from "./twilio-http";

/** Authentication of these paths is app.ts's, for every 2010-04-01 account path. */
export function messagesApi(ctx: EmulatorContext): Hono {
  const { config, store } = ctx;
  const api = new Hono();

  api.post("/2010-04-01/Accounts/:accountSid/Messages.json", async (c) => {
    const params = await readParams(c);
    const to = params.get("To") ?? "";
    // An outage answers every create while it lasts; a counted fault answers the next few.
    const at = config.now();
    const outage = store.outageFor(to, at);
    if (outage) {
      if (outage.status === 429) c.header("Retry-After", String(retryAfterSeconds(outage.endsAt, at)));
      return twilioError(c, injectedError(outage.status));
    }
    const fault = store.takeFault(to);
    if (fault && "code" in fault) return twilioError(c, OUTSIDE_WINDOW_AT_CREATE);
    if (fault && !("afterAccept" in fault)) {
      if (fault.status === 429) c.header("Retry-After", "1");
      return twilioError(c, injectedError(fault.status));
    }

    const parsed = parseMessageRequest(params, config.whatsappFrom);
    if (!parsed.ok) return twilioError(c, parsed.error);
    const content = contentOf(ctx, parsed.value);
    if ("code" in content) return twilioError(c, content);
    const message = outboundMessage(ctx, parsed.value, content);
    // WhatsApp drops the typing bubble when the next message arrives.
    ctx.typing.hide(phoneOf(message.to));
    store.addOutbound(message);
    ctx.deliveries.start(message);
    // Taken and stored, and its answer lost on the way: the caller cannot tell it went.
    if (fault) return loseAnswer(c, fault.afterAccept, ctx.shutdown);
    return c.json(toMessageResource(message), 201);
  });

  api.get("/2010-04-01/Accounts/:accountSid/Messages.json", (c) => {
    const query = ListQuerySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
    if (!query.success) return twilioError(c, TwilioErrors.invalidListQuery(query.error.issues[0]?.path.join(".") ?? "query"));
    return c.json(listMessages(store.outbound(), query.data, c.req.path), 200);
  });

  api.get("/2010-04-01/Accounts/:accountSid/Messages/:file", (c) => {
    const message = store.findOutbound(c.req.param("file").replace(/\.json$/, ""));
    if (!message) return twilioError(c, TwilioErrors.notFound(c.req.path));
    return c.json(toMessageResource(message), 200);
  });

  return api;
}

/**
 * The answer to a create that was taken, never delivered: `drop` closes the connection at once;
 * `hang` keeps it open until the caller gives up or goes away (or the emulator closes).
 */
async function loseAnswer(c: Context, how: "drop" | "hang", shutdown: AbortSignal): Promise<Response> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (how === "hang" && incoming && !incoming.socket.destroyed) {
    await new Promise<void>((resolve) => {
      incoming.socket.once("close", () => resolve());
      shutdown.addEventListener("abort", () => resolve(), { once: true });
    });
  }
  incoming?.socket.destroy();
  return c.body(null, 201);
}

type SentContent = RenderedContent & { sentAsTemplate: boolean };

/** A ContentSid must name one of the account's templates (21655); it is rendered for the recipient's channel. */
function contentOf(ctx: EmulatorContext, request: MessageRequest): SentContent | TwilioError {
  if (!request.contentSid) return { body: request.body, buttons: [], sentAsTemplate: false };
  const content = ctx.contents.find(request.contentSid);
  if (!content) return TwilioErrors.invalidContentSid;
  const rendered = renderContent(content, request.contentVariables ?? {}, isWhatsApp(request.to) ? "whatsapp" : "sms");
  return { ...rendered, sentAsTemplate: content.approval?.status === "approved" };
}

function outboundMessage(ctx: EmulatorContext, request: MessageRequest, content: SentContent): OutboundMessage {
  const { config } = ctx;
  const now = config.now();
  // WhatsApp carries one attachment per message: Twilio sends the first and ignores the rest.
  const mediaUrls = isWhatsApp(request.to) ? request.mediaUrls.slice(0, 1) : request.mediaUrls;
  return {
    sid: ctx.newSid("SM"),
    accountSid: config.accountSid,
    to: request.to,
    from: request.from ?? config.whatsappFrom,
    fromService: request.from === undefined,
    messagingServiceSid: request.messagingServiceSid,
    body: content.body,
    contentSid: request.contentSid,
    contentVariables: request.contentVariables,
    buttons: content.buttons,
    media: mediaUrls.map((url) => ({ sid: null, url, contentType: null, size: null, filename: null })),
    sentAsTemplate: content.sentAsTemplate,
    statusCallback: request.statusCallback,
    status: request.from === undefined ? "accepted" : "queued",
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
  };
}
