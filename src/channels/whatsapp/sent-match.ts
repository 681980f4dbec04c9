// Which of the messages Twilio holds is a send the relay cannot tell went: pure. Twilio's Message
// resource carries no ContentSid and no key of ours, so a send is known by what the user sees: its
// text (as sent, or as its quick-reply content renders it), a template by its variables' text in
// the rendered body, a file by its caption and its attachment.
import type { Outbound } from "../channel";
import type { ListedMessage } from "./twilio-client";
import { withTypedAnswers } from "./typed-answers";

/** Twilio refused or dropped these: they reached nobody, so the send is not there. */
const NOT_DELIVERED = new Set(["failed", "undelivered", "canceled"]);

/** The texts a text send may show as: its part, or its part with the typed answers where its buttons could not go. */
function textsOf(m: Extract<Outbound, { kind: "text" | "edit" }>): string[] {
  return m.buttons?.length ? [m.part, withTypedAnswers(m.part, m.buttons)] : [m.part];
}

/** A template's variables' values (JSON `{ "1": … }`): each is in the body Twilio renders. */
function variableTexts(variables: string | null): string[] | null {
  if (variables === null) return [];
  try {
    const parsed: unknown = JSON.parse(variables);
    if (typeof parsed !== "object" || parsed === null) return null;
    return Object.values(parsed).map(String);
  } catch {
    return null;
  }
}

/** Whether `listed` shows `m`. */
export function showsSend(m: Outbound, listed: ListedMessage): boolean {
  if (!listed.outbound || NOT_DELIVERED.has(listed.status)) return false;
  switch (m.kind) {
    case "text": {
      if (listed.numMedia > 0) return false;
      if (!m.template) return textsOf(m).includes(listed.body);
      const values = variableTexts(m.template.variables);
      return values !== null && values.every((v) => listed.body.includes(v));
    }
    case "edit":
      return listed.numMedia === 0 && textsOf(m).includes(listed.body);
    case "file":
      return listed.numMedia > 0 && listed.body === m.caption;
    default:
      return false;
  }
}

/** The sids of the listed messages that show `m`, oldest first (the list comes newest first). */
export function matchingSends(m: Outbound, messages: readonly ListedMessage[]): string[] {
  return messages
    .filter((listed) => showsSend(m, listed))
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((listed) => listed.sid);
}
