// The offline model's voice: a stand-in of Workers AI's text-to-speech model (@cf/deepgram/aura-1)
// for SPEECH_URL, with its input ({ text, speaker, encoding, container, bit_rate }) and its output
// (the audio file's bytes). No speech synthesis runs offline, so the sound is a voice-like pattern,
// not words: one syllable-shaped burst of a voiced tone (harmonics under moving formants) for each
// three letters, silence at spaces and punctuation, at about 15 characters a second, as a speaker
// at an even pace says them. It is real Opus (libopus through opusscript) in an Ogg container,
// playable wherever a WhatsApp or Telegram voice note plays, and as long as the text would take to
// say. Its OpusTags carry TRANSCRIPT=<text>, so the offline transcriber hears back what it says.
// Deterministic: the same request gives the same bytes.
import OpusScript from "opusscript";
import * as z from "zod";
import { writeOggOpus } from "./ogg-opus-writer";

/** The pace of the stand-in's speaker; a 60 s cap holds about 900 characters. */
export const CHARS_PER_SECOND = 15;
/** Even "ok" takes a moment to say. */
const MIN_SECONDS = 0.5;
/** Wideband, 20 ms frames, as WhatsApp records a voice note. */
const INPUT_RATE = 16_000;
const FRAME = INPUT_RATE / 50;
/** libopus's look-ahead at any input rate, in 48 kHz samples. */
const PRE_SKIP = 312;
/** Deepgram's limit on the text of one request. */
export const MAX_TEXT_CHARS = 2000;

/** Aura-1's speakers (the model's `speaker` enum), each with the pitch the stand-in gives its voice. */
const SPEAKER_PITCH_HZ = {
  angus: 110, arcas: 120, orion: 115, orpheus: 105, perseus: 125, helios: 118, zeus: 100,
  asteria: 205, athena: 195, luna: 215, hera: 190, stella: 210,
} as const;
export type Speaker = keyof typeof SPEAKER_PITCH_HZ;

/** The request as Workers AI documents it; this stand-in makes only Opus in Ogg (a voice note). */
export const SpeechRequestSchema = z.strictObject({
  text: z.string().trim().min(1, "text is empty").max(MAX_TEXT_CHARS, `text is over ${MAX_TEXT_CHARS} characters`),
  speaker: z.enum(Object.keys(SPEAKER_PITCH_HZ) as [Speaker, ...Speaker[]]).default("angus"),
  encoding: z.literal("opus", "the offline speech model makes encoding \"opus\" only"),
  container: z.literal("ogg", "the offline speech model makes container \"ogg\" only"),
  bit_rate: z.number().int().min(6_000).max(510_000).optional(),
});
export type SpeechRequest = z.infer<typeof SpeechRequestSchema>;

export type Speech = { bytes: Uint8Array<ArrayBuffer>; durationSec: number };

/** How long the stand-in takes to say `text`. */
export function speakingSeconds(text: string): number {
  return Math.max(MIN_SECONDS, [...text].length / CHARS_PER_SECOND);
}

export function speakOffline(request: SpeechRequest): Speech {
  const pcm = voice(request.text, SPEAKER_PITCH_HZ[request.speaker]);
  const encoder = new OpusScript(INPUT_RATE, 1, OpusScript.Application.VOIP);
  const packets: Uint8Array[] = [];
  try {
    encoder.setBitrate(request.bit_rate ?? 16_000);
    // Enough frames to push the last real sample out past the encoder's look-ahead.
    const padded = new Int16Array(Math.ceil((pcm.length + PRE_SKIP / 3) / FRAME) * FRAME);
    padded.set(pcm);
    for (let at = 0; at < padded.length; at += FRAME) {
      packets.push(Uint8Array.from(encoder.encode(Buffer.from(padded.buffer, at * 2, FRAME * 2), FRAME)));
    }
  } finally {
    encoder.delete();
  }
  const samples = pcm.length * (48_000 / INPUT_RATE);
  const bytes = writeOggOpus({
    packets,
    channels: 1,
    preSkip: PRE_SKIP,
    inputSampleRate: INPUT_RATE,
    samples,
    vendor: "libopus 1.4 (opusscript)",
    // The offline transcriber's tags (offline-transcript.ts); DURATION also ends TRANSCRIPT's words for it.
    comments: [`TRANSCRIPT=${request.text.replace(/[\u0000-\u001f]+/g, " ")}`, `DURATION=${Math.round(samples / 48_000)}`],
    serial: hash(request.text),
  });
  return { bytes, durationSec: samples / 48_000 };
}

/** [F1, F2] of each vowel, in Hz; a syllable without one sounds like a neutral vowel. */
const FORMANTS: Record<string, [number, number]> = { a: [730, 1090], e: [530, 1840], i: [270, 2290], o: [570, 840], u: [300, 870], y: [270, 2290] };
const NEUTRAL: [number, number] = [500, 1500];
const SYLLABLE_CHARS = 3;

/** The text's sound, 16-bit PCM at 16 kHz: every character has 1/15 s, voiced when it is a letter or digit. */
function voice(text: string, pitchHz: number): Int16Array {
  const chars = [...text.toLowerCase()];
  const n = Math.round(speakingSeconds(text) * INPUT_RATE);
  const wave = new Float32Array(n);
  const voiced = chars.map((ch) => /[\p{L}\p{N}]/u.test(ch));
  // Each voiced character's word (its first and last index) and its syllable's vowel.
  const words = chars.map((_, i) => {
    if (!voiced[i]) return null;
    let start = i;
    while (start > 0 && voiced[start - 1]) start--;
    let end = i;
    while (end + 1 < chars.length && voiced[end + 1]) end++;
    const syllable = start + Math.floor((i - start) / SYLLABLE_CHARS) * SYLLABLE_CHARS;
    const vowel = chars.slice(syllable, syllable + SYLLABLE_CHARS).find((ch) => ch in FORMANTS);
    return { start, end, formants: vowel ? FORMANTS[vowel]! : NEUTRAL };
  });
  let phase = 0;
  for (let frame = 0; frame * FRAME < n; frame++) {
    const at = (frame * FRAME) / INPUT_RATE;
    const word = words[Math.floor(at * CHARS_PER_SECOND)];
    // The pitch wanders and falls through a sentence a little, as a speaker's does.
    const f0 = pitchHz * (1 + 0.08 * Math.sin(2 * Math.PI * 0.5 * at) - 0.05 * ((at % 4) / 4));
    const [f1, f2] = word?.formants ?? NEUTRAL;
    const weights: number[] = [];
    for (let h = 1; h * f0 < 3800; h++) weights.push(Math.exp(-(((h * f0 - f1) / 180) ** 2)) + 0.6 * Math.exp(-(((h * f0 - f2) / 250) ** 2)) + 0.02);
    for (let i = frame * FRAME; i < Math.min(n, (frame + 1) * FRAME); i++) {
      phase += (2 * Math.PI * f0) / INPUT_RATE;
      const position = (i / INPUT_RATE) * CHARS_PER_SECOND;
      const w = words[Math.floor(position)];
      if (!w) continue;
      const syllable = ((position - w.start) / SYLLABLE_CHARS) % 1;
      // A syllable swells and fades; a word's edges fade over 20 ms, so no burst clicks.
      const edge = Math.min(1, (position - w.start) / (0.02 * CHARS_PER_SECOND), (w.end + 1 - position) / (0.02 * CHARS_PER_SECOND));
      const envelope = Math.sin(Math.PI * Math.max(0.08, syllable)) ** 0.6 * edge;
      let sample = 0;
      for (let h = 0; h < weights.length; h++) sample += weights[h]! * Math.sin((h + 1) * phase);
      wave[i] = envelope * sample;
    }
  }
  // Peaks at half of full scale, as a voice note at a normal distance does; never clipped.
  const peak = wave.reduce((m, x) => Math.max(m, Math.abs(x)), 0) || 1;
  return Int16Array.from(wave, (x) => Math.round((x / peak) * 16_000));
}

/** FNV-1a of the text: the stream's serial number, so the same text gives the same file. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
