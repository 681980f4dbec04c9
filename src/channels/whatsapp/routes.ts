// Twilio's webhooks: incoming WhatsApp messages and status callbacks of what the relay sent.
import { Hono } from "hono/tiny";
import { HTTPException } from "hono/http-exception";
import { logEvent } from "../../shared/log";
import { normalizeSender } from "../../shared/phone";
import { parseInboundForm, parseStatusCallbackRow, parseStatusForm } from "./twilio-form";
import type { ChannelDirectory, SenderAccess } from "../channel-directory";
import type { Config } from "../../config/config";
import { withConfig } from "../../config/require-config";
import { refuseForeignAccount, verifyTwilioWebhook, type WebhookVariables } from "./twilio-webhook";

/** What Twilio expects back: no reply of our own in the webhook answer. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** Built straight, not through Hono's c.body (which merges its headers into a new Response): the webhook's hot path. */
const twiml = () => new Response(EMPTY_TWIML, { headers: { "content-type": "text/xml; charset=utf-8" } });

/** Twilio's webhooks, asking `directory` (channels/routes.ts) who may use the relay. */
export function twilioRoutes(directory: ChannelDirectory) {
  const routes = new Hono<{ Bindings: Env; Variables: WebhookVariables }>();
  // The configuration first (500 when invalid), then the signature: the same for every path under /twilio.
  routes.use(withConfig, verifyTwilioWebhook);

  // Named functions, so a CPU profile of the bundle names them (an arrow passed to a call stays anonymous).
  routes.post("/inbound", async function inboundRoute(c) {
    const form = parseInboundForm(c.get("twilioParams"));
    if (!form.ok) throw new HTTPException(400, { message: form.reason });
    // Before anything is looked up or stored: another account's message touches no object.
    refuseForeignAccount(c.get("config"), c.get("twilioParams"), "/twilio/inbound");
    const { MessageSid: messageId, Body: body, media, ButtonPayload: buttonPayload, OriginalRepliedMessageSid: repliedTo } = form.value;
    const sender = normalizeSender(form.value.From);

    // 200, not 4xx: Twilio would retry an error, and a refused sender must cost nothing.
    if (sender.kind !== "phone") {
      logEvent("inbound_ignored", { messageId, reason: "sender_without_phone" });
      return twiml();
    }
    const access = await checkSender(directory, c.env, c.get("config"), sender.phone);
    if (!access.allowed) {
      logEvent("inbound_ignored", { messageId, phone: sender.phone, reason: access.reason });
      refuseIfUnsure(access);
      return twiml();
    }
    if (body.trim() === "" && media.length === 0) {
      logEvent("inbound_ignored", { messageId, phone: sender.phone, reason: "empty" });
      return twiml();
    }
    const stub = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromName(sender.phone));
    await stub.enqueue({
      messageId,
      body,
      media,
      buttonPayload: buttonPayload ?? null,
      ...(repliedTo && !buttonPayload ? { repliedTo } : {}),
      receivedAt: Date.now(),
      publicOrigin: c.get("publicOrigin"),
    });
    // Accepted messages are logged once, by the Durable Object (message_queued / message_duplicate).
    return twiml();
  });

  routes.post("/status", async function statusRoute(c) {
    const form = parseStatusForm(c.get("twilioParams"));
    if (!form.ok) throw new HTTPException(400, { message: form.reason });
    // The outbox row the callback's URL names (signed with it): found by its id, no index on the SID.
    const row = parseStatusCallbackRow(c.req.query("o"));
    if (!row.ok) throw new HTTPException(400, { message: row.reason });
    refuseForeignAccount(c.get("config"), c.get("twilioParams"), "/twilio/status");
    const { MessageSid: messageSid, MessageStatus: status, ErrorCode: errorCode } = form.value;
    const recipient = normalizeSender(form.value.To);
    if (recipient.kind !== "phone") throw new HTTPException(400, { message: "To: not a WhatsApp phone number" });
    // Only a phone the relay serves has an object to update; any other number must not get one.
    const access = await checkSender(directory, c.env, c.get("config"), recipient.phone);
    if (!access.allowed) {
      logEvent("status_ignored", { messageSid, phone: recipient.phone, reason: access.reason });
      refuseIfUnsure(access);
      return c.body(null, 204);
    }
    const tracked = status === "sent" || status === "delivered" || status === "read" || status === "failed" || status === "undelivered";
    if (tracked) {
      const stub = c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromName(recipient.phone));
      await stub.recordDeliveryStatus({ messageSid, status, errorCode: errorCode ?? null, ...(row.value === undefined ? {} : { outboxId: row.value }) });
    }
    return c.body(null, 204);
  });
  return routes;
}

/**
 * Closed, but not lost: with the directory unreachable a number outside the configuration is not
 * served, and Twilio gets a 503 so it delivers the webhook again later instead of never.
 */
function refuseIfUnsure(access: Extract<SenderAccess, { allowed: false }>): void {
  if (access.reason === "directory_unreachable") throw new HTTPException(503, { message: "allowlist unavailable; try again later" });
}

/** Whether `phone` may use the relay: ALLOWED_SENDERS, ADMIN_SENDERS, then the directory. */
function checkSender(directory: ChannelDirectory, env: Env, config: Config, phone: string): Promise<SenderAccess> {
  return directory.checkAccess(env, phone, { configured: (p) => config.allowedSenders.has(p) || config.adminSenders.has(p), ttlMs: config.allowlistCacheMs });
}
