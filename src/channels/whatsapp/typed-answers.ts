// A WhatsApp message whose buttons cannot be shown, as text: what the user types instead.
import type { Button } from "../channel";

/**
 * The text of a message whose buttons cannot be shown (Twilio's Content API not set up, or it
 * refused ours): it names what to type instead, for each button that has a typed equivalent the
 * text does not name already ("Fix it" under a CI failure: `Reply “fix it” to start it.`).
 */
export function withTypedAnswers(body: string, buttons: readonly Button[] | undefined): string {
  const words = (buttons ?? []).flatMap((b) => (b.typed && !body.toLowerCase().includes(`“${b.typed.toLowerCase()}”`) ? [`“${b.typed}”`] : []));
  return words.length === 0 ? body : `${body}\n\nReply ${words.join(" or ")} to ${words.length === 1 ? "do what its button does" : "do what their buttons do"}.`;
}
