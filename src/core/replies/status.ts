// What /status answers: the run in progress, what waits, the current conversation, the VM as
// this instance last saw it, the next task, and today's spend. Pure: facts in, text out.
import { formatAgo, formatUsd } from "../format-ago";
import { formatInZone } from "../schedule-format";

export type StatusFacts = {
  /** The open run; `retryAttempt` set while it waits to try the VM again. */
  run: { createdAt: number; retryAttempt: number | null; conversation: string | null; task: boolean; progress: string | null; startedBy?: string | null } | null;
  /** Messages waiting, per conversation (`conversation` null: not known any more). */
  queued: readonly { conversation: string | null; count: number }[];
  current: { name: string; sessionId: string | null; deep: boolean; turns: number; costUsd: number } | null;
  /** How the VM last answered this instance; null before any contact. */
  vm: { ok: boolean; at: number; failure: string | null } | null;
  nextTask: { id: number; at: number } | null;
  spend: { spentUsd: number; limitUsd: number };
  timeZone: string;
};

export function statusReply(f: StatusFacts, now: number): string {
  const lines: string[] = [];
  if (!f.run) lines.push("The agent is idle.");
  else {
    const minutes = Math.round((now - f.run.createdAt) / 60_000);
    const since = minutes < 1 ? "under a minute" : `${minutes} min`;
    const state = f.run.retryAttempt !== null ? `waiting to retry (attempt ${f.run.retryAttempt})` : "busy";
    const step = f.run.progress !== null ? `: ${f.run.progress}` : "";
    // A run an event started (a trigger, GitHub) says so: the user did not write what it works on.
    const why = f.run.task ? " (a scheduled task)" : f.run.startedBy ? ` (started by ${f.run.startedBy})` : "";
    lines.push(`The agent is ${state} in ${f.run.conversation ?? "a deleted conversation"} for ${since}${why}${step}.`);
  }
  const queued = f.queued.map((q) => `${q.conversation ?? "?"} ${q.count}`);
  lines.push(queued.length === 0 ? "Nothing is queued." : `Waiting: ${queued.join(", ")}.`);
  if (f.current) {
    const c = f.current;
    const session = c.sessionId ? `session ${c.sessionId.slice(0, 8)}…` : "no session yet";
    lines.push(`Current conversation: ${c.name} (${session}${c.deep ? ", deep mode on" : ""}; ${c.turns} turns, ${formatUsd(c.costUsd)}). /sessions lists them all.`);
  }
  lines.push(
    !f.vm
      ? "VM: no contact yet from here (/status vm asks it)."
      : f.vm.ok
        ? `VM: answered ${formatAgo(f.vm.at, now)}.`
        : `VM: did not answer ${formatAgo(f.vm.at, now)} (${f.vm.failure}); /status vm asks again.`,
  );
  if (f.nextTask) lines.push(`Next task: #${f.nextTask.id} at ${formatInZone(f.nextTask.at, f.timeZone)} (/schedules).`);
  lines.push(`Spent today: ${formatUsd(f.spend.spentUsd)} of ${formatUsd(f.spend.limitUsd)} (daily budget).`);
  return lines.join("\n");
}
