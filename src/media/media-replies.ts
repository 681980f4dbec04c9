// What the user reads about files: an attachment of theirs the relay could not get, a file of the
// agent's it could not pass on, and what a reply held outside WhatsApp's 24-hour window says.
// Pure: facts in, text out.

/** One attachment of a message that could not be fetched or stored; `reason` ends without a stop. */
export function attachmentFailedLine(a: { index: number; count: number; contentType: string; reason: string; restWent: boolean }): string {
  const label = a.count > 1 ? `attachment ${a.index + 1} (${a.contentType})` : `your attachment (${a.contentType})`;
  return `⚠️ I couldn't get ${label}: ${a.reason}.${a.restWent ? " The rest of your message went to the agent." : ""}`;
}

/** Why an attachment failed when this relay has nowhere to store it. */
export const NO_MEDIA_STORAGE = "attachments cannot be stored on this relay (no media storage is configured)";

/** A file the agent sent that never reached the user; `reason` ends without a stop. */
export function fileNotPassedOn(name: string, reason: string): string {
  return `⚠️ The agent sent you ${name}, but it could not be passed on: ${reason}.`;
}

/**
 * Outside the window only an approved template may go: `body` is what the outbox row records,
 * `variable` fills the template's {{1}}.
 */
export const RESULT_WAITING = { body: "[template] a result is waiting", variable: "a result from your agent" } as const;

/** Why a file of the agent's could not be passed on when this relay has nowhere to store it. */
export const NO_FILE_STORAGE = "this relay has no media storage";

/** A reply's voice note could not be made: the text went alone. Said once until a note is spoken again. */
export function voiceReplyFailedNotice(reason: string): string {
  return `🎙️ I could not speak that reply (${reason}): the text above is all of it. I will not say this again until a voice reply works.`;
}
