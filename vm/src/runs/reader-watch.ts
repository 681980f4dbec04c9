// The wake when a run's reader goes away (protocol/vm/wake.ts, `reader_gone`). The relay's object
// reads each live run's event stream; should its instance die mid-run (a crash, a deploy), nothing
// reads the run until the object's watchdog alarm, up to 10 s later, and a reply the run writes
// meanwhile waits for it. The VM sees the reader go (the stream cancelled before the run's end):
// once the run has something new for the relay while nobody reads it, the VM wakes the relay.
//
// The relay also lets go of a stream on purpose (a webhook's pump slice ends, then its alarm reads
// the run again within moments), so the wake waits READER_GONE_GRACE_MS first and is never sent for
// a run a reader came back to. One wake taken per readerless spell: a second comes only after a
// reader attached and went again. A wake the relay did not take (its Worker down as well) is tried
// again each READER_GONE_RETRY_MS until READER_GONE_GIVE_UP_MS after the reader went: by then the
// object's own watchdog alarm (10 s) has read the run. A wake for a run the relay already reads
// again wakes nothing there.
import type { RunView } from "../core/run-handle";

/** How long a run may go unread, with news for the relay, before the VM wakes the relay. */
export const READER_GONE_GRACE_MS = 2_000;
/** A wake not taken is tried again this often, */
export const READER_GONE_RETRY_MS = 1_000;
/** until this long after the reader went (the relay's watchdog, WATCHDOG_MS, is 10 s). */
export const READER_GONE_GIVE_UP_MS = 12_000;

/** What the watch knows of a readerless run: when its reader went, and whether anything happened since. */
export type Readerless = { since: number; newsSince: boolean; woke: boolean };

/** Whether to wake the relay now for a run nobody reads: news came, the grace is over, and no wake went this spell. */
export const wakeDue = (r: Readerless, now: number, graceMs: number): boolean => r.newsSince && !r.woke && now - r.since >= graceMs;

export type ReaderWatchDeps = {
  graceMs: number;
  retryMs?: number;
  giveUpMs?: number;
  now: () => number;
  /** Sends the wake for this run; resolves whether the relay took it (never rejects). */
  wake: (run: RunView) => Promise<boolean>;
};

export function createReaderWatch(deps: ReaderWatchDeps) {
  /** Open streams per run; a run with none and unfinished is readerless. */
  const readers = new Map<string, number>();
  const readerless = new Map<string, Readerless & { timer: ReturnType<typeof setTimeout>; unsubscribe: () => void; sending: boolean }>();

  const forget = (runId: string): void => {
    const spell = readerless.get(runId);
    if (!spell) return;
    clearTimeout(spell.timer);
    spell.unsubscribe();
    readerless.delete(runId);
  };

  const retryMs = deps.retryMs ?? READER_GONE_RETRY_MS;
  const giveUpMs = deps.giveUpMs ?? READER_GONE_GIVE_UP_MS;

  const check = (run: RunView): void => {
    const spell = readerless.get(run.id);
    if (!spell || spell.sending || !wakeDue(spell, deps.now(), deps.graceMs)) return;
    spell.sending = true;
    void deps.wake(run).then((taken) => {
      if (readerless.get(run.id) !== spell) return;
      spell.sending = false;
      // Taken, or past the watchdog's reach: nothing more to watch this spell.
      if (taken || deps.now() - spell.since >= giveUpMs) return void ((spell.woke = true), forget(run.id));
      clearTimeout(spell.timer);
      spell.timer = setTimeout(() => check(run), retryMs);
      spell.timer.unref?.();
    });
  };

  return {
    /** A stream of `run` opened: a reader is back, its spell (if any) is over. */
    attached(run: RunView): void {
      readers.set(run.id, (readers.get(run.id) ?? 0) + 1);
      forget(run.id);
    },
    /** A stream of `run` closed. `byReader`: the reader went (cancelled it), not the run's end. */
    detached(run: RunView, byReader: boolean): void {
      const left = (readers.get(run.id) ?? 1) - 1;
      if (left > 0) return void readers.set(run.id, left);
      readers.delete(run.id);
      if (!byReader || run.isFinished() || readerless.has(run.id)) return;
      const spell: Readerless = { since: deps.now(), newsSince: false, woke: false };
      // Every event of the run is news for the relay (heartbeats are each stream's own, never the run's).
      const unsubscribe = run.subscribe(() => {
        spell.newsSince = true;
        check(run);
      });
      const timer = setTimeout(() => check(run), deps.graceMs);
      timer.unref?.();
      readerless.set(run.id, Object.assign(spell, { timer, unsubscribe, sending: false }));
    },
    /** Runs watched now (tests, and the close). */
    watching: (): number => readerless.size,
    /** The VM's close: no wake after it. */
    close(): void {
      for (const runId of [...readerless.keys()]) forget(runId);
    },
  };
}
export type ReaderWatch = ReturnType<typeof createReaderWatch>;
