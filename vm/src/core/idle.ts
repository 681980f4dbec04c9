// When the VM may exit by itself: nothing live, nothing open, and no activity for the timeout.

export type IdleInput = {
  now: number;
  lastActivityAt: number;
  /** 0 disables idle exit. */
  idleTimeoutMs: number;
  liveRuns: number;
  openStreams: number;
};

export function isIdle(input: IdleInput): boolean {
  if (input.idleTimeoutMs <= 0) return false;
  // A live run is never idle, however long it runs without a request.
  if (input.liveRuns > 0 || input.openStreams > 0) return false;
  return input.now - input.lastActivityAt >= input.idleTimeoutMs;
}
