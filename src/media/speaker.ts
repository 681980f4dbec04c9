// Text to a voice note. In production Workers AI's text-to-speech model (VOICE_REPLY_MODEL, aura-1)
// through the `AI` binding, asked for Opus in an Ogg container, which WhatsApp plays as a voice note
// and Telegram's sendVoice takes; locally the offline stand-in behind the same input and output
// (SPEECH_URL); neither: no speaker, and replies stay text.
import * as z from "zod/mini";
import { withDeadline } from "../shared/deadline";

const SPEAK_TIMEOUT_MS = 60_000;
/** A 60 s note is about 100 KB at aura-1's Opus rate; anything far past that is not a voice note. */
const MAX_AUDIO_BYTES = 5 * 1024 * 1024;

/** Workers AI's price for aura-1: $0.015 per 1,000 characters. */
export const SPEECH_USD_PER_1000_CHARS = 0.015;
export const speechCostUsd = (text: string): number => (text.length * SPEECH_USD_PER_1000_CHARS) / 1000;

export type Speech = { ok: true; audio: Uint8Array; contentType: "audio/ogg" } | { ok: false; reason: string };
export type Speaker = { speak(text: string): Promise<Speech> };

/** aura-1's input (the fields used): `encoding` and `container` ask for Ogg Opus. */
const InputSchema = z.object({ text: z.string().check(z.minLength(1)), encoding: z.literal("opus"), container: z.literal("ogg") });
type SpeechInput = z.infer<typeof InputSchema>;

/** The binding's own type, as far as it is used here (workers-types' `Ai`): the raw Response carries the audio. */
type AiBinding = { run(model: string, input: SpeechInput, options: { returnRawResponse: true }): Promise<unknown> };

/** An Ogg stream begins with its capture pattern: a body without it is not the audio asked for. */
const isOgg = (bytes: Uint8Array): boolean => bytes.length > 4 && bytes[0] === 0x4f && bytes[1] === 0x67 && bytes[2] === 0x67 && bytes[3] === 0x53;

export function createSpeaker(o: { ai?: AiBinding | undefined; model: string; url: string | null; fetchFn?: typeof fetch }): Speaker | null {
  const fetchFn = o.fetchFn ?? ((input, init) => fetch(input, init));
  const model = o.model;
  const run: ((input: SpeechInput, signal: AbortSignal) => Promise<unknown>) | null = o.ai
    ? (input) => o.ai!.run(model, input, { returnRawResponse: true })
    : o.url
      ? (input, signal) => fetchFn(o.url!, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input), signal })
      : null;
  if (!run) return null;
  return {
    async speak(text) {
      try {
        return await withDeadline(SPEAK_TIMEOUT_MS, async (signal): Promise<Speech> => {
          const res = await run(InputSchema.parse({ text, encoding: "opus", container: "ogg" }), signal);
          if (!(res instanceof Response)) return { ok: false, reason: "the speech model answered something unreadable" };
          if (!res.ok) {
            await res.body?.cancel();
            return { ok: false, reason: `the speech model answered ${res.status}` };
          }
          const audio = new Uint8Array(await res.arrayBuffer());
          if (!isOgg(audio) || audio.byteLength > MAX_AUDIO_BYTES) return { ok: false, reason: "the speech model answered something unreadable" };
          return { ok: true, audio, contentType: "audio/ogg" };
        });
      } catch (error) {
        return { ok: false, reason: error instanceof Error && error.name === "TimeoutError" ? "the speech model took too long" : "the speech model failed" };
      }
    },
  };
}
