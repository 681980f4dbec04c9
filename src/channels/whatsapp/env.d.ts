// WhatsApp's settings in the Worker's global Env (merged with src/env.d.ts): the Twilio account,
// its sender and its API bases, parsed by src/channels/whatsapp/config.ts.
interface Env {
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_WHATSAPP_FROM?: string;
  TWILIO_API_BASE?: string;
  TWILIO_MESSAGING_API_BASE?: string;
  TWILIO_TEMPLATE_SID?: string;
  TWILIO_CONTENT_API_BASE?: string;
}
