// Timers that fire after so many milliseconds of awake time (core/awake-clock.ts), for the VM's
// idle exit and warm processes: a Machine suspended for a night resumes with them where they were.
// One unref'd ticker samples the clock every second, so that any longer gap is a freeze.
import { performance } from "node:perf_hooks";
import { advance, AWAKE_CLOCK, startedClock, type AwakeClockOptions } from "./core/awake-clock";

export type AwakeTimer = { cancel(): void };

export type AwakeTime = {
  /** Awake milliseconds since the clock started; each read is also a sample. */
  now(): number;
  /** Calls `fire` once `ms` of awake time have passed, unless cancelled first. */
  after(ms: number, fire: () => void): AwakeTimer;
  /** Stops the ticker and every pending timer. */
  stop(): void;
};

export type AwakeTimeOptions = {
  clock?: AwakeClockOptions;
  /** Told of each freeze when the process runs again, with how long it was frozen. */
  onFreeze?: (frozenMs: number) => void;
};

export function startAwakeTime(options: AwakeTimeOptions = {}): AwakeTime {
  const clockOptions = options.clock ?? AWAKE_CLOCK;
  let clock = advance(startedClock(), performance.now(), clockOptions);
  const now = () => {
    const before = clock;
    clock = advance(clock, performance.now(), clockOptions);
    if (clock.freezes > before.freezes) options.onFreeze?.(clock.frozenMs - before.frozenMs);
    return clock.awakeMs;
  };
  const ticker = setInterval(now, clockOptions.tickMs);
  ticker.unref();
  const pending = new Set<ReturnType<typeof setTimeout>>();

  function after(ms: number, fire: () => void): AwakeTimer {
    const dueAt = now() + ms;
    let handle: ReturnType<typeof setTimeout> | null = null;
    // Each wait is a plain timeout for the awake time still due: exact while nothing freezes. One
    // that wakes early in awake time (a freeze left out of the count) waits again for the rest.
    const wait = (forMs: number) => {
      handle = setTimeout(check, Math.max(0, Math.ceil(forMs)));
      pending.add(handle);
    };
    const check = () => {
      if (handle) pending.delete(handle);
      handle = null;
      const left = dueAt - now();
      if (left <= 0) fire();
      else wait(left);
    };
    wait(ms);
    return {
      cancel() {
        if (!handle) return;
        clearTimeout(handle);
        pending.delete(handle);
        handle = null;
      },
    };
  }

  return {
    now,
    after,
    stop() {
      clearInterval(ticker);
      for (const handle of pending) clearTimeout(handle);
      pending.clear();
    },
  };
}
