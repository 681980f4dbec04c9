// The forms Twilio posts to an application: status callbacks, incoming WhatsApp messages (text, media) and button taps.
import { incomingMessageType } from "./media-checks";
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

export type IncomingMedia = { url: string; contentType: string };

export type IncomingMessage = {
  sid: string;
  accountSid: string;
  /** The user's `+E164` number. */
  from: string;
  /** The business sender, `whatsapp:+E164`. */
  to: string;
  /** The text, or a media message's caption (empty without one). */
  body: string;
  profileName: string;
  media: IncomingMedia[];
};

/** The exact fields Twilio posts to the incoming-message webhook for a WhatsApp text or media message. */
export function incomingMessageForm(message: IncomingMessage): Record<string, string> {
  const [first] = message.media;
  const form: Record<string, string> = {
    SmsMessageSid: message.sid,
    NumMedia: String(message.media.length),
    ProfileName: message.profileName,
    MessageType: first ? incomingMessageType(first.contentType) : "text",
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
  message.media.forEach((media, index) => {
    form[`MediaContentType${index}`] = media.contentType;
    form[`MediaUrl${index}`] = media.url;
  });
  return form;
}

export type ButtonTap = {
  sid: string;
  accountSid: string;
  /** The user's `+E164` number. */
  from: string;
  /** The business sender, `whatsapp:+E164`: also the sender of the message whose button was tapped. */
  to: string;
  profileName: string;
  button: { title: string; id: string };
  /** The message that carried the button. */
  repliedTo: { sid: string; sentAsTemplate: boolean };
};

/**
 * What Twilio posts when a WhatsApp user taps a quick-reply button: the title as Body and
 * ButtonText, the action id as ButtonPayload, and the tapped message in OriginalRepliedMessage*.
 * WhatsApp calls a tap on a session message's button `interactive`, on a template's `button`.
 */
export function buttonTapForm(tap: ButtonTap): Record<string, string> {
  const base = incomingMessageForm({ ...tap, body: tap.button.title, media: [] });
  const context = { ButtonText: tap.button.title, Forwarded: "false", FrequentlyForwarded: "false", ProfileName: tap.profileName, WaId: waIdOf(tap.from) };
  return {
    ...base,
    MessageType: tap.repliedTo.sentAsTemplate ? "button" : "interactive",
    ButtonText: tap.button.title,
    ButtonPayload: tap.button.id,
    OriginalRepliedMessageSender: tap.to,
    OriginalRepliedMessageSid: tap.repliedTo.sid,
    Forwarded: "false",
    FrequentlyForwarded: "false",
    ChannelMetadata: JSON.stringify({ type: "whatsapp", data: { context } }),
  };
}
