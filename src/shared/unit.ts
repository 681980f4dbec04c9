// What every unit of a phone's object is: it owns its rows and knows its next due time, and it
// has one step that does what is due. The object keeps one ordered list of them, runs the due
// ones in its pump, and plans its one alarm from the same list (shared/wake-plan.ts).
export type Unit = {
  readonly name: string;
  /**
   * When this unit next has work; null when it has none. Reads only: the units that can keep their
   * due time write it to due_times as they write their rows (shared/due-times-repo.ts), so this reads
   * that one table; the others compute it and say why.
   */
  nextDueAt(now: number): number | null;
  /**
   * Does what is due at `now`. `until`: when the object wants control back (only the runs unit,
   * which reads a stream, waits at all). Expected failures are rows, never throws.
   */
  runDue(now: number, until: number | null): Promise<unknown> | unknown;
};

export const isDue = (at: number | null, now: number): boolean => at !== null && at <= now;
