// /voice reply: the user's choice of when a run's reply also comes back as a voice note. Pure.

export const VOICE_REPLY_MODES = ["auto", "on", "off"] as const;
/** `auto` speaks a reply when the user spoke, `on` always, `off` never. */
export type VoiceReplyMode = (typeof VOICE_REPLY_MODES)[number];

/** The user's /voice reply as stored (settings `voice_reply`): auto unless they chose. */
export function voiceReplyModeOf(settings: { get(key: "voice_reply"): string | null }): VoiceReplyMode {
  const value = settings.get("voice_reply");
  return value === "on" || value === "off" ? value : "auto";
}
