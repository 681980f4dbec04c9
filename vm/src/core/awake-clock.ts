// A clock of the time this process was awake: it advances with the monotonic clock between two
// samples, except across a gap so long that the process cannot have been running (SIGSTOP, a Fly
// Machine suspended to a snapshot), which counts as one tick. The VM's idle exit and warm
// timers read it, so a night spent suspended does not make them fire at resume.

export type AwakeClock = {
  /** Awake milliseconds counted so far (0 at the first sample). */
  awakeMs: number;
  /** The monotonic reading of the last sample; null before the first. */
  sampledAt: number | null;
  /** Milliseconds left out because the process was frozen, over all freezes. */
  frozenMs: number;
  /** How many gaps were taken for freezes. */
  freezes: number;
};

export type AwakeClockOptions = {
  /** How often the shell samples the clock at least (its ticker). */
  tickMs: number;
  /**
   * How much later than a tick a sample may come and still count in full. A gap longer than
   * `tickMs + slackMs` is a freeze: the ticker could not run, so only one tick of it is counted
   * (the process was awake for at most one tick after the last sample it took).
   */
  slackMs: number;
};

/**
 * 5 s: longer than any stall of a live event loop (a synchronous compacting collection, a
 * starved shared CPU; each well under a second), much shorter than a suspension that matters
 * (the relay suspends after MACHINE_IDLE_MS, minutes). A freeze shorter than this counts as
 * awake: the timers then fire at most 6 s early.
 */
export const AWAKE_CLOCK: AwakeClockOptions = { tickMs: 1_000, slackMs: 5_000 };

export const startedClock = (): AwakeClock => ({ awakeMs: 0, sampledAt: null, frozenMs: 0, freezes: 0 });

/**
 * One sample of the monotonic clock (ms). The wall clock is not used: it steps (NTP, a guest
 * clock set after a snapshot's restore) in either direction, while timers wait on the monotonic
 * one. A reading behind the last (which a correct monotonic clock never gives) counts as no time,
 * and the clock goes on from it.
 */
export function advance(clock: AwakeClock, monotonicNow: number, options: AwakeClockOptions = AWAKE_CLOCK): AwakeClock {
  if (clock.sampledAt === null) return { ...clock, sampledAt: monotonicNow };
  const gap = monotonicNow - clock.sampledAt;
  if (gap <= 0) return { ...clock, sampledAt: monotonicNow };
  if (gap <= options.tickMs + options.slackMs) return { ...clock, awakeMs: clock.awakeMs + gap, sampledAt: monotonicNow };
  return {
    awakeMs: clock.awakeMs + options.tickMs,
    sampledAt: monotonicNow,
    frozenMs: clock.frozenMs + gap - options.tickMs,
    freezes: clock.freezes + 1,
  };
}
