// Incoming WhatsApp messages as Twilio posts them: the form, signed with X-Twilio-Signature.
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";

export type Inbound = { phone: string; text: string; sid: string };

const WHATSAPP_FROM = "whatsapp:+14155238886";

/** A Twilio-shaped MessageSid (SM + 32 hex), unique within one bench process. */
export function messageSid(n: number): string {
  return `SM${process.pid.toString(16).padStart(8, "0")}${n.toString(16).padStart(24, "0")}`;
}

export function inboundForm(message: Inbound, accountSid: string): Record<string, string> {
  return {
    MessageSid: message.sid,
    SmsMessageSid: message.sid,
    AccountSid: accountSid,
    From: `whatsapp:${message.phone}`,
    To: WHATSAPP_FROM,
    Body: message.text,
    NumMedia: "0",
    NumSegments: "1",
    ProfileName: "Bench User",
    WaId: message.phone.slice(1),
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  };
}

/** A ready-to-send POST; `signedUrl` is the URL the Worker checks the signature against. */
export function signedPost(signedUrl: string, form: Record<string, string>, authToken: string): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(form).toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": getExpectedTwilioSignature(authToken, signedUrl, form),
    },
  };
}
