// The channel clients the outbox sends through, from the configuration: each channel that has its
// credentials. WhatsApp's goes through the object's Twilio client as before, so it is not here.
import type { ChannelClient, ChannelName } from "./channel";
import { createTelegramClient } from "./telegram/client";
import { telegramChannelClient } from "./telegram/channel-client";

export type ChannelClients = Partial<Record<Exclude<ChannelName, "whatsapp">, ChannelClient>>;

export function channelClientsFor(config: { telegram: { token: string; apiBase: string } | null } | null, fetchFn?: typeof fetch): ChannelClients {
  const telegram = config?.telegram;
  return telegram ? { telegram: telegramChannelClient(createTelegramClient({ token: telegram.token, apiBase: telegram.apiBase }, fetchFn)) } : {};
}
