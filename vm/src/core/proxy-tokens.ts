// The credential proxy's tokens: one per agent process (or per clone), standing in for the VM's
// long-lived secrets. A token opens the proxy only while its holder says it is live (the process
// serves a run; the clone is under way), and never again once revoked; and it holds at most
// `perToken` requests at once, so one agent cannot take the upstream connections of all. Pure:
// the caller draws the random tokens.
import type { ModelLimitSeen } from "./model-limit-headers";

/**
 * What a token is good for at a given moment. `answersReady`: the model's answers to the holder
 * wait for this (the checkpoint before its run), null when they go at once.
 */
export type TokenHolder = {
  isLive: () => boolean;
  answersReady?: () => Promise<void> | null;
  /** The model refused a request of the holder's for a limit (a 429): when it lifts, as far as the answer says. */
  modelRefused?: (seen: ModelLimitSeen) => void;
  /** A model request of the holder's passed the proxy's checks and goes upstream (for timing). */
  modelRequested?: () => void;
};

/**
 * How much of the proxy one token may hold: requests at once (the CLI's main loop, its side calls
 * and parallel subagents fit well within), and how long a request may go without a byte either
 * way, or last in all (past the CLI's own 10-minute API timeout; a big clone's minutes).
 */
export type ProxyLimits = { perToken: number; idleMs: number; requestMs: number };
export const PROXY_LIMITS: ProxyLimits = { perToken: 16, idleMs: 300_000, requestMs: 1_800_000 };

export type TokenTable = {
  /** Registers `token` (random, drawn by the caller) for `holder`; revoke() forgets it for good. */
  grant(token: string, holder: TokenHolder): { revoke(): void };
  /** Whether a presented token opens the proxy now. */
  admits(token: string | null): boolean;
  /** What the model's answer to an admitted token waits for, if anything. */
  answersReadyOf(token: string | null): Promise<void> | null;
  /** Tells the holder of `token` the model refused one of its requests (nothing when it is gone). */
  modelRefused(token: string | null, seen: ModelLimitSeen): void;
  /** Tells the holder of `token` one of its model requests goes upstream. */
  modelRequested(token: string | null): void;
  /** One more request of an admitted token: its end (idempotent), or null when it holds `max` already. */
  begin(token: string, max: number): (() => void) | null;
  /** Requests under way with `token`. */
  inFlight(token: string): number;
  size(): number;
};

export function createTokenTable(): TokenTable {
  const holders = new Map<string, TokenHolder>();
  const open = new Map<string, number>();
  const inFlight = (token: string) => open.get(token) ?? 0;
  return {
    grant(token, holder) {
      if (holders.has(token)) throw new Error("a proxy token was drawn twice");
      holders.set(token, holder);
      return { revoke: () => void holders.delete(token) };
    },
    admits(token) {
      if (token === null) return false;
      return holders.get(token)?.isLive() ?? false;
    },
    answersReadyOf(token) {
      if (token === null) return null;
      return holders.get(token)?.answersReady?.() ?? null;
    },
    modelRefused(token, seen) {
      if (token !== null) holders.get(token)?.modelRefused?.(seen);
    },
    modelRequested(token) {
      if (token !== null) holders.get(token)?.modelRequested?.();
    },
    begin(token, max) {
      if (inFlight(token) >= max) return null;
      open.set(token, inFlight(token) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const left = inFlight(token) - 1;
        if (left > 0) open.set(token, left);
        else open.delete(token);
      };
    },
    inFlight,
    size: () => holders.size,
  };
}
