// How many messages a user may send a minute: past the limit a message is refused (not stored as
// work), and the user is told once a minute, not once per message. /stop and /status always
// pass: a user flooding the agent must still be able to stop it and see what it does.

export const RATE_WINDOW_MS = 60_000;

export type RateInput = {
  /** The user's messages received within the window before this one. */
  recent: number;
  /** 0 turns the limit off. */
  limit: number;
  /** /stop and /status. */
  exempt: boolean;
  /** When the user was last told they are over the limit; null if never. */
  lastNoticeAt: number | null;
  now: number;
};

export type RateDecision = { action: "accept" } | { action: "refuse"; notify: boolean };

export function decideRate(r: RateInput): RateDecision {
  if (r.exempt || r.limit === 0 || r.recent < r.limit) return { action: "accept" };
  return { action: "refuse", notify: r.lastNoticeAt === null || r.now - r.lastNoticeAt >= RATE_WINDOW_MS };
}
