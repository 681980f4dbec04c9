// The forms Twilio posts to an application: status callbacks for sent messages and incoming WhatsApp messages.
import { isWhatsApp, phoneOf, waIdOf, whatsappAddress } from "./phone";
import type { DeliveryStep } from "./delivery-plan";
import type { OutboundMessage } from "./message-resource";

const API_VERSION = "2010-04-01";

export function statusCallbackForm(message: OutboundMessage, step: DeliveryStep): Record<string, string> {
  const form: Record<string, string> = {
    MessageSid: message.sid,
    SmsSid: message.sid,
    MessageStatus: step.status,
    SmsStatus: step.status,
    AccountSid: message.accountSid,
    From: message.from,
    To: message.to,
    ApiVersion: API_VERSION,
  };
  if (isWhatsApp(message.to)) {
    form.ChannelPrefix = "whatsapp";
    form.ChannelToAddress = phoneOf(message.to);
  }
  if (message.messagingServiceSid) form.MessagingServiceSid = message.messagingServiceSid;
  if (step.errorCode !== null) form.ErrorCode = String(step.errorCode);
  if (step.errorMessage !== null) form.ErrorMessage = step.errorMessage;
  return form;
}

export type IncomingText = {
  sid: string;
  accountSid: string;
  /** The user's `+E164` number. */
  from: string;
  /** The business sender, `whatsapp:+E164`. */
  to: string;
  body: string;
  profileName: string;
};

/** The exact fields Twilio posts to the incoming-message webhook for a WhatsApp text. */
export function incomingMessageForm(message: IncomingText): Record<string, string> {
  return {
    SmsMessageSid: message.sid,
    NumMedia: "0",
    ProfileName: message.profileName,
    MessageType: "text",
    SmsSid: message.sid,
    WaId: waIdOf(message.from),
    SmsStatus: "received",
    Body: message.body,
    To: message.to,
    NumSegments: "1",
    ReferralNumMedia: "0",
    MessageSid: message.sid,
    AccountSid: message.accountSid,
    From: whatsappAddress(message.from),
    ApiVersion: API_VERSION,
  };
}
