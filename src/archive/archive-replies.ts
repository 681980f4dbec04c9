// What the relay tells a user whose projects were archived (ARCHIVE_AFTER_DAYS) when they come
// back: once that they are being brought back, and once if that failed. Pure text.

export const ARCHIVE_RESTORING = "Bringing your projects back from the archive (about 20 s)…";

export function archiveRestoreFailedNotice(reason: string): string {
  return `I couldn't bring your projects back from the archive yet (${reason}). The archive is safe and I'm trying again; your message waits.`;
}
