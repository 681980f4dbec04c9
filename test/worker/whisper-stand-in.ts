// A stand-in of the `AI` binding for `@cf/openai/whisper-large-v3-turbo`: it refuses any request
// that is not the shape Cloudflare documents for the model (its page and workers-types'
// Ai_Cf_Openai_Whisper_Large_V3_Turbo_Input: `audio`, base64 of the file, required; the few
// optional settings), and refuses audio that is not a well-formed Ogg Opus stream (every page's
// capture pattern and CRC, OpusHead first, OpusTags second, the last page marked end of stream).
// It answers in the documented output shape: the words from the file's TRANSCRIPT tag (no speech
// recognition offline) and the duration from the last page's granule position.
import * as z from "zod";

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
      const text = /(?:^|\u0000)TRANSCRIPT=([^\u0000-\u001f]+)/.exec(stream.comments.join("\u0000"))?.[1] ?? "";
      const duration = Math.round((stream.samples48k / 48_000) * 1000) / 1000;
      return {
        text,
        word_count: text.split(/\s+/).filter(Boolean).length,
        transcription_info: { language: "en", language_probability: 0.99, duration, duration_after_vad: duration },
        vtt: `WEBVTT\n\n00:00.000 --> 00:${duration.toFixed(3).padStart(6, "0")}\n${text}\n`,
      };
    },
  };
}

type OggOpus = { channels: number; inputRate: number; preSkip: number; comments: string[]; samples48k: number; pages: number };

/** Reads an Ogg Opus file as a decoder would before decoding: pages, CRCs, the two header packets. */
export function readOggOpus(bytes: Uint8Array): OggOpus {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let at = 0;
  let pages = 0;
  let lastGranule = 0n;
  let ended = false;
  while (at < bytes.length) {
    if (ended) throw new Error("AiError: data after the end of the Ogg stream");
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) !== "OggS" || bytes[at + 4] !== 0) throw new Error(`AiError: not an Ogg page at byte ${at}`);
    const headerType = bytes[at + 5]!;
    const segments = bytes[at + 26]!;
    const lacing = bytes.subarray(at + 27, at + 27 + segments);
    const bodySize = lacing.reduce((n, v) => n + v, 0);
    const end = at + 27 + segments + bodySize;
    if (end > bytes.length) throw new Error("AiError: truncated Ogg page");
    const pageBytes = bytes.slice(at, end);
    const crc = view.getUint32(at + 22, true);
    pageBytes.fill(0, 22, 26);
    if (oggCrc(pageBytes) !== crc) throw new Error(`AiError: bad CRC on Ogg page ${pages}`);
    if ((pages === 0) !== ((headerType & 0x02) !== 0)) throw new Error("AiError: the first page, and only it, must begin the stream");
    ended = (headerType & 0x04) !== 0;
    lastGranule = view.getBigUint64(at + 6, true);
    let offset = at + 27 + segments;
    for (const size of lacing) {
      partial.push(bytes.subarray(offset, offset + size));
      offset += size;
      if (size < 255) {
        packets.push(concat(partial));
        partial = [];
      }
    }
    pages += 1;
    at = end;
  }
  if (!ended) throw new Error("AiError: the Ogg stream has no end-of-stream page");
  const [head, tags] = packets;
  if (!head || text(head.subarray(0, 8)) !== "OpusHead" || head.length < 19) throw new Error("AiError: no OpusHead: not Opus");
  if (!tags || text(tags.subarray(0, 8)) !== "OpusTags") throw new Error("AiError: no OpusTags");
  const headView = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const preSkip = headView.getUint16(10, true);
  const tagsView = new DataView(tags.buffer, tags.byteOffset, tags.byteLength);
  let p = 8;
  p += 4 + tagsView.getUint32(p, true); // vendor string
  const count = tagsView.getUint32(p, true);
  p += 4;
  const comments: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = tagsView.getUint32(p, true);
    comments.push(new TextDecoder().decode(tags.subarray(p + 4, p + 4 + length)));
    p += 4 + length;
  }
  return { channels: head[9]!, inputRate: headView.getUint32(12, true), preSkip, comments, samples48k: Number(lastGranule) - preSkip, pages };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);
