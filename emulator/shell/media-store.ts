// Media bytes the emulator holds (sent by users, fetched from MediaUrls), and the short-lived links that serve them.
import { randomBytes } from "node:crypto";
import type { StoredMedia } from "../core/media-resource";

type Link = { mediaSid: string; expiresAt: number };

export function createMediaStore(linkTtlMs: number) {
  let media = new Map<string, StoredMedia>();
  let links = new Map<string, Link>();

  return {
    add(item: StoredMedia): void {
      media.set(item.sid, item);
    },

    find(sid: string): StoredMedia | undefined {
      return media.get(sid);
    },

    forMessage(messageSid: string): StoredMedia[] {
      return [...media.values()].filter((m) => m.messageSid === messageSid);
    },

    /** Like Twilio's CDN URL behind the authenticated one: anyone holding it may fetch, until it expires. */
    issueLink(mediaSid: string, now: number): string {
      const token = randomBytes(24).toString("hex");
      links.set(token, { mediaSid, expiresAt: now + linkTtlMs });
      return token;
    },

    /** The media a link still opens; an expired link is forgotten. */
    openLink(token: string, now: number): StoredMedia | undefined {
      const link = links.get(token);
      if (!link) return undefined;
      if (now >= link.expiresAt) {
        links.delete(token);
        return undefined;
      }
      return media.get(link.mediaSid);
    },

    reset(): void {
      media = new Map();
      links = new Map();
    },
  };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
