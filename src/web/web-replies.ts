// What the relay says about private page links: the link itself with how long it works, a
// revocation, and why no link could be made.
import type { PageScope } from "../conversations/page-scope";

export const WEB_LINKS_REVOKED = "Done: every page link I sent you before no longer works. /web sends a new one.";
export const WEB_LINK_UNAVAILABLE = "Page links are not set up on this relay (no signing secret or public URL).";

/** `24 h`, `1.5 h`, `36 min`, `36 s`: how long a link made now works. */
export function linkLifetime(hours: number): string {
  if (hours >= 1) return `${Math.round(hours * 10) / 10} h`;
  const minutes = hours * 60;
  return minutes >= 1 ? `${Math.round(minutes)} min` : `${Math.max(1, Math.round(minutes * 60))} s`;
}

/** The message carrying a link: what it opens, for how long, and that it is a key. */
export function webLinkReply(link: { url: string; what: PageScope["kind"]; name: string | null; ttlHours: number }): string {
  const what = link.what === "dashboard" ? "The operator's dashboard" : link.what === "all" ? "All your conversations" : `Conversation “${link.name ?? "?"}”`;
  return `${what}: ${link.url}\nIt works for ${linkLifetime(link.ttlHours)}. Anyone with the link can read the page; /web revoke ends every link sent so far.`;
}
