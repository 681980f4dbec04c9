// A reply's voice note, made once: the speech model speaks the spoken part and the audio goes into
// R2 like any file the relay sends, so a retried send sends the same stored note and never speaks
// again. The outbox calls it for a row that carries text to speak (outbox/outbox-unit.ts).
import type { Speaker } from "./speaker";
import { type MediaStore, storeOutbound } from "./media-store";

export type MadeVoiceNote =
  | { ok: true; stored: { key: string; createdAt: number; contentType: string }; size: number }
  | { ok: false; reason: string };
export type VoiceNoteMaker = { make(text: string): Promise<MadeVoiceNote> };

/** Null without a speaker or R2: no reply is spoken, and none is promised. */
export function voiceNoteMaker(o: { speaker: Speaker | null; store: (() => Promise<MediaStore>) | null; owner: string }): VoiceNoteMaker | null {
  const { speaker, store } = o;
  if (!speaker || !store) return null;
  return {
    async make(text) {
      const speech = await speaker.speak(text);
      if (!speech.ok) return speech;
      const stored = await storeOutbound(await store(), { owner: o.owner, body: speech.audio, filename: "reply.ogg", declaredType: speech.contentType });
      if (!stored.ok) return { ok: false, reason: stored.reason };
      return { ok: true, stored: { key: stored.key, createdAt: stored.createdAt, contentType: stored.contentType }, size: speech.audio.byteLength };
    },
  };
}
