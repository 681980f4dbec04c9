// The account's content templates (Content API), in creation order, with their WhatsApp approval.
import type { z } from "zod";
import type { SeedContentSchema } from "../config";
import { parseContentRequest, type ContentDraft } from "../core/content-request";
import type { Content, WhatsAppApproval } from "../core/content-resource";
import type { Parsed } from "../core/message-request";

export function createContentStore(accountSid: string) {
  let contents: Content[] = [];

  return {
    add(sid: string, draft: ContentDraft, now: number): Content {
      const content: Content = { ...draft, sid, accountSid, createdAt: now, updatedAt: now, approval: null };
      // A seeded template may reuse a SID: the newer one replaces it.
      contents = [...contents.filter((c) => c.sid !== sid), content];
      return content;
    },

    find(sid: string): Content | undefined {
      return contents.find((c) => c.sid === sid);
    },

    list(): Content[] {
      return [...contents];
    },

    remove(sid: string): boolean {
      const before = contents.length;
      contents = contents.filter((c) => c.sid !== sid);
      return contents.length < before;
    },

    /** The emulator's WhatsApp approves a template the moment it is submitted. */
    approve(sid: string, approval: Omit<WhatsAppApproval, "status">, now: number): Content | undefined {
      const content = contents.find((c) => c.sid === sid);
      if (!content) return undefined;
      Object.assign(content, { approval: { ...approval, status: "approved" }, updatedAt: now });
      return content;
    },

    reset(): void {
      contents = [];
    },
  };
}

export type ContentStore = ReturnType<typeof createContentStore>;

/** Adds a seeded template, checked like a Content API create; answers Twilio's error for a bad one. */
export function seedContent(
  contents: ContentStore,
  seed: z.output<typeof SeedContentSchema>,
  newSid: () => string,
  now: number,
): Parsed<Content> {
  const { sid, approved, ...body } = seed;
  const parsed = parseContentRequest(body);
  if (!parsed.ok) return parsed;
  const content = contents.add(sid ?? newSid(), parsed.value, now);
  if (approved) contents.approve(content.sid, { name: content.friendlyName || content.sid.toLowerCase(), category: "UTILITY" }, now);
  return { ok: true, value: content };
}
