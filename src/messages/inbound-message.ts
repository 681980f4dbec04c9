// A message as it reaches the user's object (from any channel's route), and what became of it:
// the inbox (agent/inbox.ts) routes it, and the commands that answer a message rather than a
// /command (ship-commands.ts's yes or no) return the same outcome.
import type { TapOutcome } from "../channels/channel";
import type { Media, MessageSource } from "./messages-repo";

export type InboundMessage = {
  messageId: string;
  body: string;
  media: Media[];
  /** A tapped button's id (the payload the relay gave it); the body is its title. */
  buttonPayload?: string | null;
  receivedAt: number;
  /** The Worker's externally visible origin, for the status callback URL. */
  publicOrigin: string;
  /** The chat it was written in; absent: the object's own phone on WhatsApp. */
  source?: MessageSource;
  /** What started it when the user did not write it (a GitHub event, an HTTP trigger). */
  origin?: string;
  /** The channel's id of the relay's message it quotes (its outbox row's sent_ref): a comment on the change that message showed. */
  repliedTo?: string;
};

/**
 * `route`: a command or text for the agent (commands/inbound-route.ts), or what the relay did with
 * it before routing. `command`: as its user typed it (typedCommand), for the log. `after`: what
 * must follow once the webhook has its answer, of the type the capabilities above declare (each
 * its own actions, joined in agent/vm-action.ts). `tap`: what became of a tapped button, for a channel that
 * acknowledges each tap (ChannelLimits.acksTaps).
 */
export type Stored<After> = { route: "command" | "agent" | "rate_limited" | "approval_answer"; command: string | undefined; after: After | null; tap?: TapOutcome };

/**
 * A command's answer: what is said now, and what must follow once the webhook has its answer
 * (`after`, of the type the capability that answers declares, as Stored's).
 */
export type Reply<After> = { text: string; after: After | null };

/**
 * A command as its user typed it, for the operator's log: the command word (`/stop`, `/cancel`,
 * `@api`; lower-cased, a Telegram `@bot` suffix dropped), or a short answer or button title
 * (`yes`, `Fix it`) whole. Never a command's arguments: they may hold a repository, a prompt or a number.
 */
export function typedCommand(body: string): string {
  const text = body.trim();
  const word = /^[/@]\S*/.exec(text)?.[0];
  if (word) return word.startsWith("/") ? word.toLowerCase().replace(/@\w+$/, "") : word;
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}
