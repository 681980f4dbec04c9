// When an unanswered approval prompt is brought up again: at widening intervals (3 min after it
// was asked, then 6 more, 12 more…, counted from the question so a late alarm shifts nothing), never within a minute of its own denial (that notice comes
// then), and for the whole phone one reminder at a time: none within REMINDER_MIN_GAP_MS of the
// last one, whichever prompt it was for, and one message naming every prompt due. Pure.

const MIN = 60_000;
/** The first reminder's delay after the prompt; each next gap is twice the last. */
export const FIRST_REMINDER_MS = 3 * MIN;
/** The longest gap between two reminders of one prompt (a prompt may wait up to a day). */
const LONGEST_GAP_MS = 4 * 60 * MIN;
/** No reminder closer to its prompt's denial than this: the denial is told anyway. */
const QUIET_BEFORE_DENIAL_MS = 1 * MIN;
/** Never two reminders, of any prompts, closer together than this. */
export const REMINDER_MIN_GAP_MS = 3 * MIN;

/** An open prompt as reminders see it: when asked and denied, how many reminders it had, the last one's time. */
export type RemindedPrompt = { id: number; askedAt: number; expiresAt: number; reminders: number; remindedAt: number | null };

/**
 * When this prompt's next reminder falls due on its own: 3, 9, 21, 45… min after the question
 * (each gap twice the last, at most LONGEST_GAP_MS), never sooner than REMINDER_MIN_GAP_MS after
 * its last reminder; null when none comes before its denial.
 */
export function reminderDueAt(p: RemindedPrompt): number | null {
  let offset = 0;
  for (let k = 0; k <= p.reminders; k++) offset += Math.min(FIRST_REMINDER_MS * 2 ** Math.min(k, 20), LONGEST_GAP_MS);
  const at = Math.max(p.askedAt + offset, p.remindedAt === null ? -Infinity : p.remindedAt + REMINDER_MIN_GAP_MS);
  return at <= p.expiresAt - QUIET_BEFORE_DENIAL_MS ? at : null;
}

/**
 * The next reminder of the phone: `at` (null: none to come), and the prompts it names when `now`
 * has reached it. `lastAt`: the last reminder sent, for any prompt (null: none yet).
 */
export function nextReminder(open: readonly RemindedPrompt[], lastAt: number | null, now: number): { at: number | null; due: number[] } {
  const dueTimes = open.map((p) => ({ id: p.id, at: reminderDueAt(p) })).filter((p): p is { id: number; at: number } => p.at !== null);
  if (dueTimes.length === 0) return { at: null, due: [] };
  const at = Math.max(Math.min(...dueTimes.map((p) => p.at)), lastAt === null ? -Infinity : lastAt + REMINDER_MIN_GAP_MS);
  return { at, due: now >= at ? dueTimes.filter((p) => p.at <= now).map((p) => p.id) : [] };
}
