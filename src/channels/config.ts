// Every channel's part of the relay's configuration: the settings they read (parsed by
// src/config/config.ts with the rest), their checks and defaults, and the fields they add to Config,
// declared as CHANNELS_SETTINGS (config/settings-declaration.ts's shape) and joined in agent/.
import * as z from "zod/mini";
import type { ConfigProblems, SettingProblem } from "../config/config-fields";
import type { ChannelsSettings } from "../config/settings-declaration";
import { telegramConfig, TelegramEnvSchema, telegramNeeds, TELEGRAM_WRITER_LISTS, type TelegramSettings } from "./telegram/config";
import { WHATSAPP_SIGNING_SETTING, WHATSAPP_WRITER_LISTS, whatsappConfig, WhatsappEnvSchema, whatsappNeeds, type WhatsappConfig } from "./whatsapp/config";

/** The channels' settings, by their env variable names (the contract's). */
export const CHANNELS_ENV_SHAPE = { ...WhatsappEnvSchema.shape, ...TelegramEnvSchema.shape };

export type ChannelsEnv = z.infer<typeof WhatsappEnvSchema> & z.infer<typeof TelegramEnvSchema>;

/** What the channels add to the relay's Config (its fields are read by name across the code). */
export type ChannelsConfig = WhatsappConfig & TelegramSettings;

/**
 * Each channel's checks; a misconfigured one fails the whole configuration closed.
 * `mediaSigningSecret`: a channel's secret that signs media links when MEDIA_SIGNING_KEY is unset.
 */
export function channelsConfig(e: ChannelsEnv): { ok: true; config: ChannelsConfig; mediaSigningSecret: string | null } | ConfigProblems {
  const whatsapp = whatsappConfig(e);
  const telegram = telegramConfig(e);
  if (!telegram.ok) return telegram;
  return { ok: true, config: { ...whatsapp.config, ...telegram.config }, mediaSigningSecret: whatsapp.mediaSigningSecret ?? telegram.mediaSigningSecret };
}

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

/** The channels' secrets that sign media and /web links when MEDIA_SIGNING_KEY is unset (channelsConfig's mediaSigningSecret). */
export const CHANNELS_SIGNING_SETTINGS: readonly string[] = [WHATSAPP_SIGNING_SETTING];

/** Whether a served channel needs one of CHANNELS_SIGNING_SETTINGS itself, and so names it when it is missing. */
export function channelsNeedSigningSetting(inUse: ChannelsInUse): boolean {
  return inUse.whatsapp;
}

declare module "../config/config" {
  /** The channels' fields of the relay's Config (config/config.ts). */
  interface ChannelsFields extends ChannelsConfig {}
}

/** The channels' settings as config/ takes them (settings-declaration.ts's shape), joined in agent/relay-settings.ts. */
export const CHANNELS_SETTINGS: ChannelsSettings<ChannelsConfig> = {
  env: CHANNELS_ENV_SHAPE,
  // The joined schema parsed CHANNELS_ENV_SHAPE's settings: the cast states what that parse proved.
  read: (parsed) => channelsConfig(parsed as ChannelsEnv),
  served(has) {
    const inUse = channelsInUse(has);
    return { needs: channelsNeeds(has, inUse), writerLists: channelsWriterLists(inUse), needsSigningSetting: channelsNeedSigningSetting(inUse) };
  },
  signingSettings: CHANNELS_SIGNING_SETTINGS,
};

/** What media and /web links are signed with, first set first (Config's media.signingSecret). */
export const MEDIA_SECRET_SETTINGS: readonly string[] = ["MEDIA_SIGNING_KEY", ...CHANNELS_SIGNING_SETTINGS];
/** What the GitHub webhooks' and triggers' doors are keyed with, first set first (Config's doorSigningSecret). */
export const DOOR_SECRET_SETTINGS: readonly string[] = ["DOOR_SIGNING_KEY", ...MEDIA_SECRET_SETTINGS];
