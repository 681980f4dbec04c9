// A compact transcript of a conversation's last exchanges, from what the relay keeps (what the
// user sent, what the agent answered). A fresh session that replaces a lost one starts with it,
// so the agent picks up where the chat was instead of silently starting over.

export type Exchange = { role: "user" | "agent"; text: string; at: number };

export const TRANSCRIPT_MAX_ENTRIES = 20;
export const TRANSCRIPT_MAX_CHARS = 8_000;
/** One long reply must not crowd out everything else. */
const ENTRY_MAX_CHARS = 1_500;

function clip(text: string, max: number): string {
  const flat = text.trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * The most recent exchanges, oldest first, at most TRANSCRIPT_MAX_ENTRIES entries and about
 * TRANSCRIPT_MAX_CHARS characters, framed so the agent knows what it is; null with nothing to say.
 */
export function compactTranscript(entries: readonly Exchange[]): { text: string; entries: number } | null {
  const recent = [...entries].filter((e) => e.text.trim() !== "").sort((a, b) => a.at - b.at).slice(-TRANSCRIPT_MAX_ENTRIES);
  const lines: string[] = [];
  let used = 0;
  for (let i = recent.length - 1; i >= 0; i--) {
    const entry = recent[i]!;
    const line = `${entry.role === "user" ? "User" : "You"}: ${clip(entry.text, ENTRY_MAX_CHARS)}`;
    if (used + line.length > TRANSCRIPT_MAX_CHARS) break;
    lines.unshift(line);
    used += line.length + 1;
  }
  if (lines.length === 0) return null;
  const text = [
    "[Your earlier session of this conversation was lost. Here are its last exchanges from the WhatsApp chat, oldest first, so you can carry on:]",
    ...lines,
    "[End of the restored exchanges. The user's new message follows.]",
  ].join("\n");
  return { text, entries: lines.length };
}
