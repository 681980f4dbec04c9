// Media's settings, in two parts of the list (agent/relay-settings.ts): what is stored and spoken
// (MEDIA_RETENTION_DAYS, the local stand-ins of Workers AI, the voice replies), and the key media
// links are signed with (MEDIA_SIGNING_KEY), which GET /health has always named later, after the
// GitHub stand-in and the laptop's model. Declared here (config/settings-declaration.ts's shape)
// with their fields of Config.
import * as z from "zod/mini";
import { httpUrl, optional, type SettingProblem } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";
import { CHANNELS_SIGNING_SETTINGS, channelsInUse, channelsNeedSigningSetting, channelsSigningSecret } from "../channels/config";

declare module "../config/config" {
  interface Config {
    /**
     * Stored media: kept `retentionDays` (links never outlive that); links signed with keys derived
     * from `signingSecret` (MEDIA_SIGNING_KEY, else a channel's secret; null: no media links at all).
     */
    media: { retentionDays: number; signingSecret: string | null; transcriberUrl: string | null };
    /** Replies spoken as voice notes: the model (VOICE_REPLY_MODEL), the longest (VOICE_REPLY_MAX_SECONDS), the local stand-in (SPEECH_URL). */
    voiceReply: { model: string; maxSeconds: number; speechUrl: string | null };
  }
}

/** What is kept and spoken; `media.signingSecret` is set by MEDIA_LINK_SETTINGS, read after it. */
export const MEDIA_SETTINGS = settingsPart({
  env: {
    MEDIA_RETENTION_DAYS: optional(z.string().check(z.regex(/^\d{1,3}$/, "MEDIA_RETENTION_DAYS must be a whole number of days"), z.refine((v) => Number(v) >= 1 && Number(v) <= 365, "MEDIA_RETENTION_DAYS must be between 1 and 365"))),
    // Local only: the offline stand-in of Workers AI's transcription (the AI binding wins when bound).
    TRANSCRIBER_URL: optional(httpUrl),
    // Local only: the offline stand-in of Workers AI's text-to-speech (the AI binding wins when bound).
    SPEECH_URL: optional(httpUrl),
    VOICE_REPLY_MODEL: optional(z.string().check(z.regex(/^@cf\/[\w.-]+\/[\w.-]+$/, "VOICE_REPLY_MODEL must be a Workers AI model id, e.g. @cf/deepgram/aura-1"))),
    VOICE_REPLY_MAX_SECONDS: optional(z.string().check(z.regex(/^\d{1,3}$/, "VOICE_REPLY_MAX_SECONDS must be a whole number of seconds"), z.refine((v) => Number(v) >= 5 && Number(v) <= 600, "VOICE_REPLY_MAX_SECONDS must be between 5 and 600"))),
  },
  read: (e) => ({
    ok: true,
    config: {
      media: { retentionDays: e.MEDIA_RETENTION_DAYS === undefined ? 7 : Number(e.MEDIA_RETENTION_DAYS), signingSecret: null, transcriberUrl: e.TRANSCRIBER_URL ?? null },
      voiceReply: { model: e.VOICE_REPLY_MODEL ?? "@cf/deepgram/aura-1", maxSeconds: e.VOICE_REPLY_MAX_SECONDS === undefined ? 60 : Number(e.VOICE_REPLY_MAX_SECONDS), speechUrl: e.SPEECH_URL ?? null },
    },
  }),
});

/** The key media and /web links are signed with: MEDIA_SIGNING_KEY, else one derived from a channel's secret. */
export const MEDIA_LINK_SETTINGS = settingsPart({
  env: {
    // Optional: without it, media links are signed with a key derived from a channel's secret (src/channels/config.ts).
    MEDIA_SIGNING_KEY: optional(z.string().check(z.minLength(32, "MEDIA_SIGNING_KEY must be at least 32 characters"))),
  },
  read(e, soFar) {
    // A programmer's error, not a setting's: agent/relay-settings.ts lists MEDIA_SETTINGS first.
    if (!soFar.media) throw new Error("MEDIA_LINK_SETTINGS is read after MEDIA_SETTINGS (agent/relay-settings.ts)");
    return { ok: true, config: { media: { ...soFar.media, signingSecret: e.MEDIA_SIGNING_KEY ?? channelsSigningSecret(soFar) } } };
  },
  needs: mediaNeeds,
});

/**
 * Media and /web links are signed with MEDIA_SIGNING_KEY, else with a key derived from a channel's
 * secret (WhatsApp's auth token). Where that channel is served, its own needs name a missing one.
 */
function mediaNeeds(has: (name: string) => boolean): SettingProblem[] {
  if (has("MEDIA_SIGNING_KEY") || CHANNELS_SIGNING_SETTINGS.some(has) || channelsNeedSigningSetting(channelsInUse(has))) return [];
  return [{ name: "MEDIA_SIGNING_KEY", problem: `is not set (nor ${CHANNELS_SIGNING_SETTINGS.join(", ")} to derive its key from): no media and no /web link can be signed` }];
}
