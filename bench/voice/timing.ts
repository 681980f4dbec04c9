// The voice section's timing, the pure part: one round's times from what the bench saw (the
// relay's run_finished line, and the sends the Twilio emulator accepted in the round), and the
// figures over the rounds. Epoch milliseconds, one machine and one clock.
import { info, type Figure } from "../lib/figures";
import { median } from "../lib/stats";

/** A send the emulator accepted: when (its dateCreated) and what it carried. */
export type AcceptedSend = { body: string | null; dateCreated: string; media: readonly { contentType: string | null }[] };
export type RoundLine = { at: number; fields: Record<string, unknown> };

export type VoiceRound = {
  name: string;
  /** The run_finished line, as the bench read it from wrangler's output. */
  runEndAt: number;
  /** The last text part of the reply the emulator accepted before the voice note. */
  textAt: number;
  /** The voice note's send, accepted by the emulator. */
  voiceAt: number;
};

const isVoice = (send: AcceptedSend) => send.media.some((m) => m.contentType?.startsWith("audio/ogg"));

/**
 * The round's times, or what is missing: the round's relay lines and its accepted sends (the
 * emulator was reset before it). Undefined while the voice note or the run's end is not in yet.
 */
export function voiceRoundOf(name: string, lines: readonly RoundLine[], sends: readonly AcceptedSend[]): VoiceRound | undefined {
  const runEnd = lines.find((l) => l.fields.event === "run_finished");
  const voices = sends.filter(isVoice);
  if (!runEnd || voices.length === 0) return undefined;
  if (voices.length > 1) throw new Error(`${name}: ${voices.length} voice notes for one reply`);
  const voiceAt = Date.parse(voices[0]!.dateCreated);
  const texts = sends.filter((s) => !isVoice(s) && (s.body ?? "") !== "").map((s) => Date.parse(s.dateCreated)).filter((at) => at <= voiceAt);
  if (texts.length === 0) throw new Error(`${name}: the voice note came without the reply's text before it`);
  return { name, runEndAt: runEnd.at, textAt: Math.max(...texts), voiceAt };
}

export function voiceTimingFigures(rounds: readonly VoiceRound[]): Figure[] {
  const toVoice = rounds.map((r) => r.voiceAt - r.runEndAt);
  const note = `${rounds.length} spoken replies (the representative ones, each through the relay), offline speech stand-in`;
  return [
    info("voice", "run's end → its voice note sent, median", median(toVoice), "ms", note),
    info("voice", "run's end → its voice note sent, most", Math.max(...toVoice), "ms"),
    info("voice", "run's end → the reply's text sent, median", median(rounds.map((r) => r.textAt - r.runEndAt)), "ms"),
    info("voice", "the reply's text sent → its voice note sent, median", median(rounds.map((r) => r.voiceAt - r.textAt)), "ms", "the speech call, storing the note and its send"),
  ];
}
