// Twilio's Content API (https://www.twilio.com/docs/content): one quick-reply content per set of
// buttons (an approval's Yes/No/Always, /undo's Yes/No), found by name or created once, and
// remembered in settings. Where
// the API is not there (a Twilio account without it, a local stack pointed elsewhere), prompts go
// as plain text, and the API is asked again an hour later.
import * as z from "zod/mini";
import { withDeadline } from "../../shared/deadline";
import { basicAuthorization } from "../../shared/encoding";
import type { Button } from "../channel";
import type { SettingsRepo } from "../../config/settings-repo";
import { readJson } from "../../shared/json-text";

type ContentConnection = { accountSid: string; authToken: string; contentApiBase: string };

/** A WhatsApp quick-reply body holds 1,024 characters: a longer prompt goes as plain text. */
export const QUICK_REPLY_BODY_MAX = 1024;

/** Body `{{1}}`, one button per title with id `{{2}}`, `{{3}}`…: every prompt fills them in. */
const APPROVAL_CONTENT_NAME = "agent_relay_approval_v1";

/**
 * A content's buttons are fixed when it is made: each set of titles has its own, named for them
 * (the approvals' keeps the name earlier versions made, so it is found again).
 */
export function contentNameFor(titles: readonly string[]): string {
  const key = titles.map((t) => t.toLowerCase().replace(/[^a-z0-9]+/g, "")).join("_");
  return key === "yes_no_always" ? APPROVAL_CONTENT_NAME : `agent_relay_${key}_v1`;
}

/** Settings keep `{ name: sid }`; a plain SID is what earlier versions kept for the approvals' content. */
function storedSids(text: string | null): Record<string, string> {
  if (!text) return {};
  if (!text.startsWith("{")) return { [APPROVAL_CONTENT_NAME]: text };
  // Unreadable (cut by hand, say): as if none were stored, so they are looked up or made again.
  return readJson(z.record(z.string(), z.string()), text) ?? {};
}
const RETRY_UNAVAILABLE_MS = 60 * 60_000;
const CALL_TIMEOUT_MS = 10_000;
/** Pages of existing contents looked through for ours before one is created. */
const LOOKUP_PAGES = 3;

const ContentSchema = z.object({ sid: z.string().check(z.regex(/^HX[0-9a-fA-F]{32}$/)), friendly_name: z.optional(z.nullable(z.string())) });
const PageSchema = z.object({ contents: z.array(ContentSchema), meta: z.optional(z.object({ next_page_url: z.optional(z.nullable(z.string())) })) });

/** Buttons through the configured account's Content API; null without an account (buttons' text goes alone). */
export function quickReplyContentFor(account: ContentConnection | null, settings: SettingsRepo): QuickReplyContent | null {
  return account ? createQuickReplyContent(account, settings) : null;
}

export type QuickReplyContent = {
  /** The content SID and its variables for `buttons` under `body`, or null: send `body` as text. */
  resolve(body: string, buttons: readonly Button[], now: number): Promise<{ contentSid: string; contentVariables: string } | null>;
  /** Twilio refused a message with it: text only for a while, then found or created again. */
  forget(now: number): void;
};

export function createQuickReplyContent(conn: ContentConnection, settings: SettingsRepo, fetchFn: typeof fetch = (input, init) => fetch(input, init)): QuickReplyContent {
  const auth = basicAuthorization(conn.accountSid, conn.authToken);
  const call = (url: string, init: RequestInit = {}): Promise<unknown> =>
    withDeadline(CALL_TIMEOUT_MS, async (signal) => {
      const res = await fetchFn(url, { ...init, headers: { authorization: auth, "content-type": "application/json" }, signal });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`Content API answered ${res.status}`);
      }
      return res.json();
    });

  const find = async (name: string): Promise<string | null> => {
    let url: string | null = `${conn.contentApiBase}/v1/Content?PageSize=50`;
    for (let page = 0; url && page < LOOKUP_PAGES; page++) {
      const parsed = PageSchema.parse(await call(url));
      const ours = parsed.contents.find((c) => c.friendly_name === name);
      if (ours) return ours.sid;
      url = parsed.meta?.next_page_url ?? null;
    }
    return null;
  };

  const create = async (name: string, titles: readonly string[]): Promise<string> => {
    const variables = Object.fromEntries([["1", "The agent wants to run a command."], ...titles.map((t, i) => [String(i + 2), `approval:0:${t.toLowerCase()}`])]);
    const body = {
      friendly_name: name,
      language: "en",
      variables,
      types: {
        "twilio/quick-reply": { body: "{{1}}", actions: titles.map((title, i) => ({ title, id: `{{${i + 2}}}` })) },
        "twilio/text": { body: "{{1}}" },
      },
    };
    return ContentSchema.parse(await call(`${conn.contentApiBase}/v1/Content`, { method: "POST", body: JSON.stringify(body) })).sid;
  };

  return {
    async resolve(body, buttons, now) {
      if (body.length > QUICK_REPLY_BODY_MAX) return null;
      const unavailableAt = settings.getNumber("quick_reply_unavailable_at");
      if (unavailableAt !== null && now - unavailableAt < RETRY_UNAVAILABLE_MS) return null;
      const titles = buttons.map((b) => b.title);
      const name = contentNameFor(titles);
      const known = storedSids(settings.get("quick_reply_content"));
      let sid = known[name];
      if (!sid) {
        try {
          sid = (await find(name)) ?? (await create(name, titles));
        } catch {
          settings.set("quick_reply_unavailable_at", now);
          return null;
        }
        settings.set("quick_reply_content", JSON.stringify({ ...known, [name]: sid }));
        settings.set("quick_reply_unavailable_at", null);
      }
      const variables = Object.fromEntries([["1", body], ...buttons.map((b, i) => [String(i + 2), b.id])]);
      return { contentSid: sid, contentVariables: JSON.stringify(variables) };
    },
    forget(now) {
      settings.set("quick_reply_content", null);
      settings.set("quick_reply_unavailable_at", now);
    },
  };
}
