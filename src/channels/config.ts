// Every channel's part of the relay's configuration: the settings they read (parsed by
// src/config.ts with the rest), their checks and defaults, and the fields they add to Config.
import * as z from "zod/mini";
import type { ConfigProblems } from "../config-fields";
import { telegramConfig, TelegramEnvSchema, type TelegramSettings } from "./telegram/config";
import { whatsappConfig, WhatsappEnvSchema, type WhatsappConfig } from "./whatsapp/config";

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
