// The channels the relay speaks, by name: a new channel is its folder and one line here.
import type { ChannelName, ChannelSpec } from "./channel";
import { telegramChannel } from "./telegram";
import { whatsappChannel } from "./whatsapp";

export const CHANNELS: Readonly<Record<ChannelName, ChannelSpec>> = { whatsapp: whatsappChannel, telegram: telegramChannel };

/** Every channel's name, in a fixed order (zod enums, help texts). */
export const CHANNEL_NAMES = Object.keys(CHANNELS) as [ChannelName, ...ChannelName[]];

/** Whether `word` is one of CHANNEL_NAMES (as a user types it after /notify, or a setting holds it). */
export function isChannelName(word: string | null): word is ChannelName {
  return (CHANNEL_NAMES as readonly (string | null)[]).includes(word);
}

export type * from "./channel";
