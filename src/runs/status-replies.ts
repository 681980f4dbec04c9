// What /status answers: the runs in progress (one line each when several go at once), what waits, the current conversation, the VM as
// this instance last saw it, the next task, and today's spend. Pure: facts in, text out.
import { formatUsd } from "../shared/format-ago";
import { formatInZone } from "../schedules/schedule-format";
import { vmStatusLine } from "../machines/vm-line";
import { limitName, localTime } from "../usage/model-pause";

/** A live run: `retryAttempt` set while it waits to try the VM again; `label` what started it (the start of its first message); `costUsd` its spend so far. */
export type RunFacts = { createdAt: number; retryAttempt: number | null; conversation: string | null; task: boolean; progress: string | null; startedBy?: string | null; label?: string | null; costUsd?: number };

export type StatusFacts = {
  /** The open run (the oldest, when several are). */
  run: RunFacts | null;
  /** The other live runs (several conversations at once), oldest first. */
  others?: readonly RunFacts[];
  /** Messages waiting, per conversation (`conversation` null: not known any more). */
  queued: readonly { conversation: string | null; count: number }[];
  current: { name: string; sessionId: string | null; deep: boolean; turns: number; costUsd: number } | null;
  /** How the VM last answered this instance; null before any contact. */
  vm: { ok: boolean; at: number; failure: string | null } | null;
  /** When a run last got the VM's answer (stored: an eviction does not forget it). */
  vmAnsweredAt?: number | null;
  nextTask: { id: number; at: number } | null;
  spend: { spentUsd: number; limitUsd: number };
  /** The model gave no answer: nothing starts before `until` (usage/model-pause.ts). */
  paused?: { kind: "limit" | "unavailable"; until: number; limit: string | null } | null;
  timeZone: string;
};

export function statusReply(f: StatusFacts, now: number): string {
  const lines: string[] = [];
  const others = f.others ?? [];
  if (!f.run) lines.push("The agent is idle.");
  else if (others.length === 0) lines.push(`The agent is ${runLine(f.run, now)}.`);
  else {
    lines.push(`${others.length + 1} runs are going at once (/stop <name> ends one, /stop all every one):`);
    for (const r of [f.run, ...others]) lines.push(`• ${r.conversation ?? "a deleted conversation"}: ${runLine({ ...r, conversation: null }, now, false)}.`);
  }
  const queued = f.queued.map((q) => `${q.conversation ?? "?"} ${q.count}`);
  lines.push(queued.length === 0 ? "Nothing is queued." : `Waiting: ${queued.join(", ")}.`);
  if (f.paused) {
    const why = f.paused.kind === "limit" ? `the model refused: ${limitName(f.paused.limit)}` : "the model is unavailable";
    lines.push(`⏸️ Paused until ${localTime(f.paused.until, now, f.timeZone)}: ${why}. What waits goes on by itself then.`);
  }
  if (f.current) {
    const c = f.current;
    const session = c.sessionId ? `session ${c.sessionId.slice(0, 8)}…` : "no session yet";
    lines.push(`Current conversation: ${c.name} (${session}${c.deep ? ", deep mode on" : ""}; ${c.turns} turn${c.turns === 1 ? "" : "s"}, ${formatUsd(c.costUsd)}). /sessions lists them all.`);
  }
  lines.push(vmStatusLine({ observed: f.vm, answeredAt: f.vmAnsweredAt ?? null }, now));
  if (f.nextTask) lines.push(`Next task: #${f.nextTask.id} at ${formatInZone(f.nextTask.at, f.timeZone)} (/schedules).`);
  lines.push(`Spent today: ${formatUsd(f.spend.spentUsd)} of ${formatUsd(f.spend.limitUsd)} (daily budget).`);
  return lines.join("\n");
}

/** "busy in api for 7 min (started by trigger x), $0.12 so far: Running: npm test"; `where`: with "in <conversation>". */
function runLine(r: RunFacts, now: number, where = true): string {
  const minutes = Math.round((now - r.createdAt) / 60_000);
  const since = minutes < 1 ? "under a minute" : `${minutes} min`;
  const state = r.retryAttempt !== null ? `waiting to retry (attempt ${r.retryAttempt})` : "busy";
  const step = r.progress !== null ? `: ${r.progress}` : "";
  // A run an event started (a trigger, GitHub) says so: the user did not write what it works on.
  const why = r.task ? " (a scheduled task)" : r.startedBy ? ` (started by ${r.startedBy})` : r.label ? ` (${r.label})` : "";
  const spent = r.costUsd !== undefined && r.costUsd > 0 ? `, ${formatUsd(r.costUsd)} so far` : "";
  return `${state}${where ? ` in ${r.conversation ?? "a deleted conversation"}` : ""} for ${since}${why}${spent}${step}`;
}
