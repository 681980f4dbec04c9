// The credential proxy's tokens: one per agent process (or per clone), standing in for the VM's
// long-lived secrets. A token opens the proxy only while its holder says it is live (the process
// serves a run; the clone is under way), and never again once revoked. Pure: the caller draws
// the random tokens.

/**
 * What a token is good for at a given moment. `answersReady`: the model's answers to the holder
 * wait for this (the checkpoint before its run), null when they go at once.
 */
export type TokenHolder = { isLive: () => boolean; answersReady?: () => Promise<void> | null };

export type TokenTable = {
  /** Registers `token` (random, drawn by the caller) for `holder`; revoke() forgets it for good. */
  grant(token: string, holder: TokenHolder): { revoke(): void };
  /** Whether a presented token opens the proxy now. */
  admits(token: string | null): boolean;
  /** What the model's answer to an admitted token waits for, if anything. */
  answersReadyOf(token: string | null): Promise<void> | null;
  size(): number;
};

export function createTokenTable(): TokenTable {
  const holders = new Map<string, TokenHolder>();
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
    size: () => holders.size,
  };
}
