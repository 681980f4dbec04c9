// When the VM is quiet: it may exit by itself (nothing live, nothing open, no activity for the
// timeout), and, sooner, it may compact its heap (quiet for a moment, not yet compacted since).

export type IdleInput = {
  now: number;
  lastActivityAt: number;
  /** 0 disables idle exit. */
  idleTimeoutMs: number;
  liveRuns: number;
  openStreams: number;
  /** A process kept warm by the relay's `keepWarmMs` (deep mode) holds the VM up until then. */
  heldUntil?: number;
};

export function isIdle(input: IdleInput): boolean {
  if (input.idleTimeoutMs <= 0) return false;
  // A live run is never idle, however long it runs without a request.
  if (input.liveRuns > 0 || input.openStreams > 0) return false;
  if ((input.heldUntil ?? 0) > input.now) return false;
  return input.now - input.lastActivityAt >= input.idleTimeoutMs;
}

export type CompactInput = Omit<IdleInput, "idleTimeoutMs"> & {
  /** When the heap was last compacted (0: never). */
  compactedAt: number;
  /** How long nothing must happen first, so a burst of requests is not interrupted. */
  quietMs: number;
};

/** Once per quiet spell: V8 would shrink the heap by itself only some 10-40 s later, or not at all. */
export function shouldCompact(input: CompactInput): boolean {
  if (input.liveRuns > 0 || input.openStreams > 0) return false;
  return input.compactedAt <= input.lastActivityAt && input.now - input.lastActivityAt >= input.quietMs;
}
