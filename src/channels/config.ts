// Every channel's part of the relay's configuration: the settings they read (parsed by
// src/config/config.ts with the rest), their checks and defaults, and the fields they add to Config,
// declared as CHANNELS_SETTINGS (config/settings-declaration.ts's shape) and listed in agent/.
// What the other parts need of the channels served (who may write, the secret that signs media
// links) is exported here for them.
import type { ConfigProblems, SettingProblem } from "../config/config-fields";
import { settingsPart, type ConfigSoFar, type ParsedSettings, type SettingsPart } from "../config/settings-declaration";
import { telegramConfig, TelegramEnvSchema, telegramNeeds, telegramWriters, TELEGRAM_WRITER_LISTS, type TelegramSettings } from "./telegram/config";
import { WHATSAPP_SIGNING_SETTING, WHATSAPP_WRITER_LISTS, WHATSAPP_WRITERS_SHAPE, whatsappConfig, WhatsappEnvSchema, whatsappNeeds, whatsappWriters, type WhatsappConfig } from "./whatsapp/config";

/** The channels' settings, by their env variable names (the contract's); WhatsApp's lists of who may write are a part of their own (CHANNEL_WRITERS_SETTINGS). */
export const CHANNELS_ENV_SHAPE = { ...WhatsappEnvSchema.shape, ...TelegramEnvSchema.shape };

export type ChannelsEnv = ParsedSettings<typeof CHANNELS_ENV_SHAPE & typeof WHATSAPP_WRITERS_SHAPE>;

/** What the channels add to the relay's Config (its fields are read by name across the code). */
export type ChannelsConfig = WhatsappConfig & TelegramSettings;

/** Who may write through each channel, WhatsApp's lists first: entries that are not ids fail the whole configuration closed. */
export function channelWriters(e: ChannelsEnv): { ok: true; config: Pick<ChannelsConfig, ChannelWritersField> } | ConfigProblems {
  const whatsapp = whatsappWriters(e);
  if (!whatsapp.ok) return whatsapp;
  const telegram = telegramWriters(e);
  if (!telegram.ok) return telegram;
  return { ok: true, config: { ...whatsapp.config, ...telegram.config } };
}

type ChannelWritersField = "allowedSenders" | "adminSenders" | "allowedTelegramUsers" | "adminTelegramUsers";

/** Which channels the relay serves: a channel whose settings are all unset is not served. */
export type ChannelsInUse = { whatsapp: boolean; telegram: boolean };

/**
 * Telegram is served when its bot token is set. WhatsApp is served when a Twilio credential is
 * set, or when no other channel is (it is the relay's first channel: a relay with nothing set
 * must say that Twilio's settings are missing, not that all is well).
 */
export function channelsInUse(has: (name: string) => boolean): ChannelsInUse {
  const telegram = has("TELEGRAM_BOT_TOKEN");
  return { telegram, whatsapp: has("TWILIO_ACCOUNT_SID") || has("TWILIO_AUTH_TOKEN") || !telegram };
}

/** The settings each served channel needs and lacks (names only). */
export function channelsNeeds(has: (name: string) => boolean, inUse: ChannelsInUse): SettingProblem[] {
  return [...(inUse.whatsapp ? whatsappNeeds(has) : []), ...(inUse.telegram ? telegramNeeds(has) : [])];
}

/** The lists of who may write through the served channels, the first channel's first. */
export function channelsWriterLists(inUse: ChannelsInUse): string[] {
  return [...(inUse.whatsapp ? WHATSAPP_WRITER_LISTS : []), ...(inUse.telegram ? TELEGRAM_WRITER_LISTS : [])];
}

/** The channels' secrets that sign media and /web links when MEDIA_SIGNING_KEY is unset (channelsSigningSecret). */
export const CHANNELS_SIGNING_SETTINGS: readonly string[] = [WHATSAPP_SIGNING_SETTING];

/** The value of CHANNELS_SIGNING_SETTINGS' first set, from the channels' part of Config (read before media's, agent/relay-settings.ts). */
export function channelsSigningSecret(config: ConfigSoFar): string | null {
  return config.twilio?.authToken ?? null;
}

/** Whether a served channel needs one of CHANNELS_SIGNING_SETTINGS itself, and so names it when it is missing. */
export function channelsNeedSigningSetting(inUse: ChannelsInUse): boolean {
  return inUse.whatsapp;
}

declare module "../config/config" {
  /** The channels' fields of the relay's Config (config/config.ts). */
  interface Config extends ChannelsConfig {}
}

/** The channels' settings as config/ takes them (settings-declaration.ts's shape), listed first in agent/relay-settings.ts. */
export const CHANNELS_SETTINGS = settingsPart({
  env: CHANNELS_ENV_SHAPE,
  read: (e) => ({ ok: true, config: { ...whatsappConfig(e).config, ...telegramConfig(e).config } }),
  needs: (has) => channelsNeeds(has, channelsInUse(has)),
});

/**
 * Who may write through the channels: WhatsApp's lists (listed after the relay's own setting, where
 * GET /health has always named them) and Telegram's (declared with Telegram's other settings, in
 * CHANNELS_SETTINGS, and read here after WhatsApp's).
 */
export const CHANNEL_WRITERS_SETTINGS: SettingsPart = {
  env: WHATSAPP_WRITERS_SHAPE,
  // The joined schema parsed both parts' settings: the cast states what that parse proved.
  read: (parsed) => channelWriters(parsed as ChannelsEnv),
};

/** What media and /web links are signed with, first set first (Config's media.signingSecret). */
export const MEDIA_SECRET_SETTINGS: readonly string[] = ["MEDIA_SIGNING_KEY", ...CHANNELS_SIGNING_SETTINGS];
/** What the GitHub webhooks' and triggers' doors are keyed with, first set first (Config's doorSigningSecret). */
export const DOOR_SECRET_SETTINGS: readonly string[] = ["DOOR_SIGNING_KEY", ...MEDIA_SECRET_SETTINGS];
