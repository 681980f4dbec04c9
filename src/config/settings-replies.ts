// What the user's switches answer: /voice echo, /voice reply, /progress, and the approval mode of /approvals
// off|edits|on. Pure: the setting as it is now comes in, the text goes out.

export function voiceEchoReply(on: boolean): string {
  return on ? "Voice notes: I tell you what I heard before the agent acts on it. /voice echo off stops that." : "Voice notes: no echo of what I heard. /voice echo on brings it back.";
}

const VOICE_REPLY_WORDS = {
  auto: "when you send a voice note, the answer also comes back as one",
  on: "every answer also comes back as a voice note",
  off: "answers come back as text only",
} as const;

/** /voice reply: what is set now, and how to change it. */
export function voiceReplyReply(mode: "auto" | "on" | "off"): string {
  return `Voice replies (${mode}): ${VOICE_REPLY_WORDS[mode]}. /voice reply auto, on or off changes it.`;
}

/** /voice alone: both switches. */
export function voiceSettingsReply(echoOn: boolean, mode: "auto" | "on" | "off"): string {
  return `${voiceEchoReply(echoOn)}\n${voiceReplyReply(mode)}`;
}

export function progressReply(on: boolean): string {
  return on
    ? "Progress updates are on: after a minute, a run sends a short update at most every 2 minutes. /progress off stops them."
    : "Progress updates are off: a long run shows only WhatsApp's typing indicator. /progress on brings them back.";
}

/** `liveRun`: the conversation has a run in progress, which keeps the mode it started with. */
export function approvalModeReply(conversation: string, before: string, after: string, liveRun: boolean): string {
  if (before === after) return `Approvals in ${conversation} were already ${after}.`;
  return `Approvals in ${conversation}: ${after} (was ${before}).${liveRun ? " The run in progress keeps the mode it started with." : ""}`;
}
