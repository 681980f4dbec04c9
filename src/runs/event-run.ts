// What an event run is (a GitHub event, a trigger, a "Fix it"), apart from how it is stored
// (event-runs.ts), so the table that keeps a waiting one reads it without the inbox.
import type { MessageSource } from "../messages/messages-repo";

export type EventRun = {
  /**
   * The event's own id, as a message id ([A-Za-z0-9_-], at most 80: what the VM protocol takes):
   * `github-<delivery>`, `trigger-<id>-<hash of the key>`. A repeat of it is a duplicate.
   */
  eventId: string;
  /** The conversation the run belongs to, by name. */
  conversation: string;
  /** What the agent is asked. */
  prompt: string;
  /** What started it, in a few words the user reads ("GitHub: acme/api#12 labelled agent"). */
  origin: string;
  /** How its replies, progress and approval prompts name it: `[acme/api#12 issue] …`; absent: its origin. */
  label?: string;
  /**
   * The repository (lower case) whose `/github trust` lets the run keep the conversation's
   * approval mode; null or absent (a trigger) or untrusted: it asks before every command.
   */
  repo?: string | null;
  receivedAt: number;
  publicOrigin: string;
  /** Where the user hears of it; absent: the chat they last wrote from. */
  source?: MessageSource;
};

export type EventRunOutcome =
  | { outcome: "queued" }
  | { outcome: "duplicate" }
  /** Not stored; the user was told why (the rate limit, a missing or cloning conversation), or an admin removed their access. */
  | { outcome: "refused"; reason: "rate_limited" | "no_conversation" | "cloning" | "revoked" };
