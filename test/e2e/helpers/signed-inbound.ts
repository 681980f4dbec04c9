// What Twilio posts for an incoming WhatsApp text, signed for the Worker's PUBLIC_URL, posted
// straight to the Worker of an end-to-end stack.
import { randomBytes } from "node:crypto";
import webhooks from "twilio/lib/webhooks/webhooks.js";
import type { E2eStack } from "./e2e-stack";

export type Posted = { sid: string; status: number; text: string };

export async function postInbound(stack: E2eStack, from: string, body: string, sid = `SM${randomBytes(16).toString("hex")}`, signWith = stack.vars.TWILIO_AUTH_TOKEN): Promise<Posted> {
  const url = `${stack.urls.worker}/twilio/inbound`;
  const form = {
    MessageSid: sid,
    SmsSid: sid,
    SmsMessageSid: sid,
    AccountSid: stack.vars.TWILIO_ACCOUNT_SID,
    From: `whatsapp:${from}`,
    To: stack.vars.TWILIO_WHATSAPP_FROM,
    Body: body,
    NumMedia: "0",
    NumSegments: "1",
    ProfileName: "E2E",
    WaId: from.slice(1),
    MessageType: "text",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  };
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": webhooks.getExpectedTwilioSignature(signWith, url, form),
    },
    body: new URLSearchParams(form),
  });
  return { sid, status: response.status, text: await response.text() };
}
