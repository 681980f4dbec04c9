// Voice notes to text. In production Workers AI's Whisper through the `AI` binding; locally
// (`npm start`, the e2e tests) the offline stand-in behind the same input and output
// (TRANSCRIBER_URL); neither: no transcriber, and the agent gets the audio file itself.
import * as z from "zod/mini";
import { withDeadline } from "../shared/deadline";
import { toBase64 } from "../shared/encoding";

/** Takes WhatsApp's audio as it comes (Ogg Opus among others): Whisper decodes it with ffmpeg. */
const TRANSCRIPTION_MODEL = "@cf/openai/whisper-large-v3-turbo";
const TRANSCRIBE_TIMEOUT_MS = 60_000;

type Transcript = { ok: true; text: string; durationSec: number | null } | { ok: false; reason: string };
export type Transcriber = { transcribe(audio: Uint8Array): Promise<Transcript> };

const OutputSchema = z.object({
  text: z.string(),
  transcription_info: z.optional(z.object({ duration: z.optional(z.number().check(z.nonnegative())) })),
});

/** The binding's own type, as far as it is used here (workers-types' `Ai`). */
type AiBinding = { run(model: string, input: { audio: string }): Promise<unknown> };

export function createTranscriber(o: { ai?: AiBinding | undefined; url: string | null; fetchFn?: typeof fetch }): Transcriber | null {
  const fetchFn = o.fetchFn ?? ((input, init) => fetch(input, init));
  const run = o.ai
    ? (input: { audio: string }) => o.ai!.run(TRANSCRIPTION_MODEL, input)
    : o.url
      ? (input: { audio: string }) =>
          withDeadline(TRANSCRIBE_TIMEOUT_MS, async (signal) => {
            const res = await fetchFn(o.url!, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input), signal });
            if (!res.ok) throw new Error(`the transcriber answered ${res.status}`);
            return res.json();
          })
      : null;
  if (!run) return null;
  return {
    async transcribe(audio) {
      try {
        const parsed = OutputSchema.safeParse(await run({ audio: toBase64(audio) }));
        if (!parsed.success) return { ok: false, reason: "the transcriber answered something unreadable" };
        const text = parsed.data.text.trim();
        if (text === "") return { ok: false, reason: "no words were heard" };
        return { ok: true, text, durationSec: parsed.data.transcription_info?.duration ?? null };
      } catch (error) {
        return { ok: false, reason: error instanceof Error && error.name === "TimeoutError" ? "the transcriber took too long" : "the transcriber failed" };
      }
    },
  };
}
