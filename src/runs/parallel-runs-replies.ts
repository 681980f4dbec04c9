// What the user reads when several conversations run at once: which run a waiting conversation
// waits for (past MAX_PARALLEL_RUNS). Pure: facts in, text out.
import { formatAgo } from "../shared/format-ago";

/** Told once per waiting message: the limit, and the oldest run it waits for. */
export function runWaitsNotice(f: { waiting: string | null; running: string | null; startedAt: number; limit: number; budget?: boolean }, now: number): string {
  const waiting = f.waiting ? `[${f.waiting}] waits` : "Your message waits";
  if (f.budget) {
    const going = f.running ? `[${f.running}] (started ${formatAgo(f.startedAt, now)})` : "the run going";
    return `⏳ ${waiting}: what is left of today's budget is kept for ${f.limit === 1 ? going : `the ${f.limit} runs going`}, so it starts when ${f.limit === 1 ? "that one" : "one"} ends. /status lists them, /stop <name> ends one.`;
  }
  const runs = f.limit === 1 ? "a run is" : `${f.limit} runs are`;
  const running = f.running ? `[${f.running}]` : "a deleted conversation";
  return `⏳ ${waiting}: ${runs} going at once, the most there may be. It starts when one ends, at the latest when ${running} (started ${formatAgo(f.startedAt, now)}) does. /status lists them, /stop <name> ends one.`;
}
