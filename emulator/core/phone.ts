// Phone addresses as Twilio writes them: `whatsapp:+E164` for WhatsApp, bare `+E164` otherwise.
export const E164 = /^\+[1-9]\d{6,14}$/;

const WHATSAPP_PREFIX = "whatsapp:";

export function isWhatsApp(address: string): boolean {
  return address.startsWith(WHATSAPP_PREFIX);
}

/**
 * The bare `+E164` of an address. A query string written by hand (`?to=whatsapp:+1555…`)
 * decodes `+` as a space, so a leading space is read back as `+`.
 */
export function phoneOf(address: string): string {
  const bare = isWhatsApp(address) ? address.slice(WHATSAPP_PREFIX.length) : address;
  return bare.replace(/^ (?=\d)/, "+").trim();
}

export function whatsappAddress(phone: string): string {
  return `${WHATSAPP_PREFIX}${phoneOf(phone)}`;
}

/** Twilio's `WaId`: the WhatsApp ID, the number's digits without `+`. */
export function waIdOf(phone: string): string {
  return phoneOf(phone).replace(/^\+/, "");
}
