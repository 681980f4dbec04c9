// Turns a content template and a message's ContentVariables into what the recipient sees: a body and its reply buttons.
import type { ContentTypes } from "./content-request";

/** A quick-reply button as sent: `id` is what a tap posts back as ButtonPayload. */
export type Button = { title: string; id: string };
export type RenderedContent = { body: string; buttons: Button[] };
export type Channel = "whatsapp" | "sms";

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/**
 * `{{1}}` (and `{{ name }}`) take the message's value, else the template's default; a placeholder
 * with neither stays as written, so a missing variable is visible rather than silently empty.
 */
export function fillVariables(text: string, given: Record<string, string>, defaults: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (placeholder, name: string) => given[name] ?? defaults[name] ?? placeholder);
}

/**
 * Twilio sends the richest type the channel supports: on WhatsApp a quick-reply before plain
 * text; SMS has no buttons, so it gets the twilio/text fallback. With neither, the body is empty.
 */
export function renderContent(
  content: { types: ContentTypes; variables: Record<string, string> },
  given: Record<string, string>,
  channel: Channel,
): RenderedContent {
  const fill = (text: string) => fillVariables(text, given, content.variables);
  const quickReply = content.types["twilio/quick-reply"];
  if (quickReply && channel === "whatsapp") {
    return {
      body: fill(quickReply.body),
      // Without an id, the payload of a tap is the button's own title.
      buttons: quickReply.actions.map((action) => ({ title: fill(action.title), id: fill(action.id ?? action.title) })),
    };
  }
  const text = content.types["twilio/text"];
  return { body: text ? fill(text.body) : "", buttons: [] };
}
