// A stand-in of the `AI` binding for `@cf/openai/whisper-large-v3-turbo`: it refuses any request
// that is not the shape Cloudflare documents for the model (its page and workers-types'
// Ai_Cf_Openai_Whisper_Large_V3_Turbo_Input: `audio`, base64 of the file, required; the few
// optional settings), and refuses audio that is not a well-formed Ogg Opus stream (every page's
// capture pattern and CRC, OpusHead first, OpusTags second, the last page marked end of stream:
// test/support/ogg-opus.ts).
// It answers in the documented output shape: the words from the file's TRANSCRIPT tag (no speech
// recognition offline) and the duration from the last page's granule position.
import * as z from "zod";
import { readOggOpus } from "../support/ogg-opus";

export const WHISPER_MODEL = "@cf/openai/whisper-large-v3-turbo";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The documented input: nothing else is accepted (a misspelt or unknown field is an error here). */
const WhisperInputSchema = z.strictObject({
  audio: z.string().min(1).regex(BASE64, "audio must be the file's bytes in base64"),
  task: z.enum(["transcribe", "translate"]).optional(),
  language: z.string().min(2).optional(),
  vad_filter: z.boolean().optional(),
  initial_prompt: z.string().optional(),
  prefix: z.string().optional(),
  beam_size: z.number().int().positive().optional(),
  condition_on_previous_text: z.boolean().optional(),
  no_speech_threshold: z.number().optional(),
  compression_ratio_threshold: z.number().optional(),
  log_prob_threshold: z.number().optional(),
  hallucination_silence_threshold: z.number().optional(),
});

export type WhisperCall = { model: string; input: z.infer<typeof WhisperInputSchema>; audio: Uint8Array };

/** The output as documented: `text`, `word_count`, `transcription_info` (language, duration), `vtt`. */
export type WhisperOutput = { text: string; word_count: number; transcription_info: { language: string; language_probability: number; duration: number; duration_after_vad: number }; vtt: string };

export function createWhisperStandIn() {
  const calls: WhisperCall[] = [];
  return {
    calls,
    async run(model: string, input: unknown): Promise<WhisperOutput> {
      // The binding's own errors are thrown, as env.AI.run throws them.
      if (model !== WHISPER_MODEL) throw new Error(`AiError: no such model ${model}`);
      const parsed = WhisperInputSchema.safeParse(input);
      if (!parsed.success) throw new Error(`AiError: invalid input: ${z.prettifyError(parsed.error)}`);
      const audio = Uint8Array.from(atob(parsed.data.audio), (ch) => ch.charCodeAt(0));
      calls.push({ model, input: parsed.data, audio });
      const stream = readOggOpus(audio);
      if (!stream.ok) throw new Error(`AiError: not a well-formed Ogg Opus file: ${stream.error}`);
      if (!stream.value.ended) throw new Error("AiError: the Ogg stream has no end-of-stream page");
      const text = /(?:^|\u0000)TRANSCRIPT=([^\u0000-\u001f]+)/.exec(stream.value.tags.comments.join("\u0000"))?.[1] ?? "";
      const duration = Math.round(stream.value.durationSec * 1000) / 1000;
      return {
        text,
        word_count: text.split(/\s+/).filter(Boolean).length,
        transcription_info: { language: "en", language_probability: 0.99, duration, duration_after_vad: duration },
        vtt: `WEBVTT\n\n00:00.000 --> 00:${duration.toFixed(3).padStart(6, "0")}\n${text}\n`,
      };
    },
  };
}
