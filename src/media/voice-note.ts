// Voice notes, the pure part: what the agent reads as the message, and the one-line echo the
// user gets so a mishearing is caught before the agent acts on it.

/** "0:12", "1:05", "12:00". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The message text the agent gets: "(voice note, 0:12) fix the flaky test in the api". */
export function voiceNoteText(transcript: string, durationSec: number | null, caption: string): string {
  const tag = durationSec === null ? "(voice note)" : `(voice note, ${formatDuration(durationSec)})`;
  return [caption.trim(), `${tag} ${transcript.trim()}`].filter((part) => part !== "").join("\n");
}

/** The echo: what was heard, quoted, in one line (long transcripts cut). */
export function voiceEchoLine(transcript: string): string {
  const flat = transcript.replace(/\s+/g, " ").trim();
  const shown = flat.length <= 300 ? flat : `${flat.slice(0, 299)}…`;
  return `🎙️ Heard: “${shown}” (/voice echo off stops these)`;
}

export const NO_TRANSCRIBER_NOTICE =
  "Voice notes are not transcribed on this relay (no transcriber is configured): the agent gets the audio file itself and may not be able to listen to it.";

/**
 * A voice note whose words are only an answer: "Yes.", "yes, all", "No!", "Stop." give what the
 * user would have typed (`yes`, `yes all`, `no`, `/stop`); anything longer is null and goes to
 * the agent as a message. Whisper capitalises and punctuates, so case and marks are set aside.
 */
export function spokenAnswer(transcript: string): "yes" | "yes all" | "no" | "/stop" | null {
  const words = transcript.toLowerCase().replace(/[^\p{L}\s]/gu, " ").trim().split(/\s+/).join(" ");
  if (words === "yes" || words === "no") return words;
  if (words === "yes all" || words === "yes to all") return "yes all";
  if (words === "stop") return "/stop";
  return null;
}

/** The echo of a voice note taken as an answer: what was heard, and what it was taken as. */
export function spokenAnswerEcho(transcript: string, taken: string): string {
  return `🎙️ Heard: “${transcript.replace(/\s+/g, " ").trim()}”, taken as ${taken === "/stop" ? "/stop" : `“${taken}”`}.`;
}
