// When a user's workspaces and sessions go to the archive in R2, and what the archive unit does
// next at each stage (docs/fly-machines.md, "Archiving idle users"). Pure: the row and the facts
// in, the chore out; archive/archive-unit.ts carries it out.
import { backoffDelayMs, type Backoff } from "../shared/backoff";

const DAY_MS = 86_400_000;

/**
 * Where the user's archive stands. `live`: none (or one being written: `archiving`). `checked`:
 * every part is in R2 and checked; the Machine and volume (or the shared directory) go next.
 * `archived`: only the archive holds the user's files. `restoring`: the user came back; the
 * archive goes back onto a new Machine. `restored`: back, the archive kept until the user used it.
 */
export type ArchiveStatus = "live" | "archiving" | "checked" | "archived" | "restoring" | "restored";

export type ArchiveFacts = {
  status: ArchiveStatus;
  /** When the next attempt of a chore that failed (or was cut off) is due; null: none failed. */
  retryAt: number | null;
  /** When the restore finished (status `restored`). */
  restoredAt: number | null;
};

/** What is waiting or running now: cheap, read on every plan of the alarm (a message's own path too). */
export type Demand = {
  runOpen: boolean;
  /** Messages (a schedule's or an event's too) waiting for a run. */
  queued: number;
};

/** Read only when nothing waits (never on a message's way to the model): some cost a scan. */
export type IdleFacts = {
  /** The user's last use: the last message, task or event their agent got (else the last run's end); null: never used. */
  lastUseAt: number | null;
  /** The next task's time; null: none. */
  nextScheduleAt: number | null;
  /** There is something to archive: a volume (machines mode), or a user of the shared VM. */
  hasFiles: boolean;
};

/** The facts read only when needed. `lastRunEndedAt`: after a restore, a run that ended since means the user used it. */
export type ArchiveReads = { idle(): IdleFacts; lastRunEndedAt(): number | null };

export type ArchiveChore =
  /** Prepare at the VM, stream each part into R2, write the manifest, check every part. */
  | { kind: "archive"; at: number }
  /** The archive is checked: destroy the Machine and delete the volume (shared mode: the directory). */
  | { kind: "discard"; at: number }
  /** The user came back before the discard: the archive is dropped, nothing was deleted. */
  | { kind: "abandon"; at: number }
  /** Work waits for an archived user: tell them once, then restore. */
  | { kind: "announce"; at: number }
  | { kind: "restore"; at: number }
  /** Restored and used since: the archive in R2 is deleted. */
  | { kind: "forget"; at: number };

/** A task due within this long of the archive's time keeps the user live (its run would restore at once). */
export const SCHEDULE_MARGIN_MS = DAY_MS;

/**
 * Retries of a failed chore: from 30 s (or ARCHIVE_AFTER_DAYS when shorter, never under 1 s)
 * doubling up to 6 h, spread so many users do not retry at one instant.
 */
export const archiveBackoff = (afterMs: number): Backoff => ({ steps: { kind: "doubling", firstMs: Math.max(1_000, Math.min(30_000, afterMs)), maxMs: 6 * 3_600_000 }, jitterRatio: 0.2 });

/** The wait after the `failures`-th failure in a row. */
export const archiveRetryDelayMs = (failures: number, jitter: number, afterMs: number): number => backoffDelayMs(Math.max(1, failures), archiveBackoff(afterMs), jitter)!;

/** `afterDays` (ARCHIVE_AFTER_DAYS, fractions allowed) in milliseconds. */
export const archiveAfterMs = (afterDays: number): number => Math.round(afterDays * DAY_MS);

/** The chore due next, or null. `afterMs`: ARCHIVE_AFTER_DAYS; null when no archive bucket is bound (nothing is ever archived). */
export function nextArchiveChore(row: ArchiveFacts, demand: Demand, reads: ArchiveReads, afterMs: number | null): ArchiveChore | null {
  const chore = choreOf(row, demand, reads, afterMs);
  if (!chore) return null;
  return row.retryAt !== null && row.retryAt > chore.at && chore.kind !== "abandon" ? { ...chore, at: row.retryAt } : chore;
}

const waiting = (d: Demand): boolean => d.runOpen || d.queued > 0;

function choreOf(row: ArchiveFacts, d: Demand, reads: ArchiveReads, afterMs: number | null): ArchiveChore | null {
  switch (row.status) {
    case "live":
    case "archiving":
      return afterMs === null || waiting(d) ? null : archiveDueAt(reads.idle(), afterMs);
    case "checked":
      // Back before the Machine went: it stays, and the archive is dropped (it would be stale).
      return waiting(d) ? { kind: "abandon", at: 0 } : { kind: "discard", at: 0 };
    case "archived":
      return d.queued > 0 ? { kind: "announce", at: 0 } : null;
    case "restoring":
      return { kind: "restore", at: 0 };
    case "restored": {
      if (d.runOpen || row.restoredAt === null) return null;
      const ended = reads.lastRunEndedAt();
      return ended !== null && ended >= row.restoredAt ? { kind: "forget", at: 0 } : null;
    }
  }
}

/** Unused for `afterMs` (nothing waiting, no run open) and no task due within a day of it: then. */
function archiveDueAt(a: IdleFacts, afterMs: number): ArchiveChore | null {
  if (!a.hasFiles || a.lastUseAt === null) return null;
  const at = a.lastUseAt + afterMs;
  // A task due soon would bring the user straight back: wait until it has run (its run is a use).
  if (a.nextScheduleAt !== null && a.nextScheduleAt < at + SCHEDULE_MARGIN_MS) return { kind: "archive", at: Math.max(at, a.nextScheduleAt + SCHEDULE_MARGIN_MS) };
  return { kind: "archive", at };
}

/** Runs wait while the user's files are not on a VM (or are about to leave it). */
export const archiveHoldsRuns = (status: ArchiveStatus): boolean => status === "checked" || status === "archived" || status === "restoring";
