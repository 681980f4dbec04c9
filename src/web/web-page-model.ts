// What the private page (`/web/<token>`) shows, as data: the PhoneAgent reads it from its rows,
// the Worker renders it. Also the pure steps between: days filled in for the charts, bar geometry,
// a run's duration in words. Nothing here does I/O.
import type { LiveEvent } from "./web-live";
import { DAY_MS } from "../shared/durations";
import type { ReviewDraft } from "../changes/review-draft";

/** One line of the transcript: what the user sent, what the agent or the relay answered. */
export type TranscriptEntry = { at: number; from: "user" | "agent" | "relay"; text: string; buttons?: string[] };

export type ApprovalView = { tool: string; description: string; status: string; answer: string | null; at: number };

/** A run's tool calls as its terminal events carried them: the first ones, and how many more it made (`notApproved`: refused, so it did not run). */
export type ToolCallsView = { calls: { tool: string; input: string; notApproved?: true }[]; more: number };

/** What one VM run of a run changed; `diffHtmlKey`: its diff as HTML in R2, when kept. */
export type ChangeView = { vmRunId: string; label: string; files: number; insertions: number; deletions: number; undone: boolean; truncated: boolean; diffHtmlKey: string | null };

/**
 * A run as the object keeps it. `toolCalls` null: not recorded (the run is still going, or it was
 * cut off without a terminal event from the VM).
 */
export type RunView = {
  id: string;
  startedAt: number;
  endedAt: number | null;
  costUsd: number;
  outcome: string | null;
  approvals: ApprovalView[];
  toolCalls: ToolCallsView | null;
  changes: ChangeView[];
  /** What started it when the user did not (an HTTP trigger, a GitHub event); absent or null: the user. */
  startedBy?: string | null;
  /** What the agent was asked for that event (its quoted data): the page shows it folded, never as a message. */
  startedWith?: string | null;
};

/** `review`: the draft review made on the page for this conversation (null: none). */
/** `preview`: the server kept for the conversation's preview, as the relay last saw it (absent or null: none). */
export type ConversationView = {
  id: number;
  name: string;
  entries: TranscriptEntry[];
  runs: RunView[];
  truncated: boolean;
  review?: ReviewDraft | null;
  live?: LiveView | null;
  preview?: { port: number; command: string } | null;
};

/**
 * The live part of a conversation's page: what the run going showed so far (`events`, up to event
 * number `since`), then the page's script streams what comes after (web/web-live.ts). With no run
 * going (`running` false) the part is hidden until a run of the conversation starts.
 */
export type LiveView = { since: number; events: LiveEvent[]; running: boolean };

export type DayValue = { day: string; value: number };

/** `all`: `/web all`'s page (an index, each conversation folded); else one conversation's. */
/** `spendByModel`: this month (the user's zone) by model, every conversation's, most spent first (absent or empty: none yet). */
export type ConversationsPage = { kind: "conversations"; phone: string; timeZone: string; generatedAt: number; all?: boolean; conversations: ConversationView[]; spendByDay: DayValue[]; spendByModel?: { model: string; costUsd: number }[] };

/** One run's own page (`/web/<token>/runs/<run id>`): all its recorded tool calls, and each change's diff. */
export type RunPage = { kind: "run"; phone: string; timeZone: string; generatedAt: number; conversation: { id: number; name: string }; run: RunView; review?: ReviewDraft | null };

/** One user on the operator's page; `stats` null when their object did not answer. */
export type OperatorUser = { phone: string; stats: OperatorStats | null };

export type OperatorStats = {
  spentTodayUsd: number;
  spentMonthUsd: number;
  dailyBudgetUsd: number;
  monthlyBudgetUsd: number | null;
  conversations: number;
  queued: number;
  heldReplies: number;
  lastActiveAt: number | null;
  lastFailure: { at: number; outcome: string } | null;
  /** VM_MODE=machines: the user's Machine state (null: none yet); absent in shared mode. */
  machineState?: string | null;
  /** The user's archive in R2 as /vm says it ("archive: archived 9 days ago, 4.2 MB · last error: …"); null: nothing to say. */
  archive?: string | null;
  /** The last 7 days (UTC), oldest first. */
  days: { day: string; messages: number; runs: number; failures: number }[];
  /** This month (the user's zone) by model, most spent first; absent from an object not updated yet. */
  spentMonthByModel?: { model: string; costUsd: number }[];
};

/** Every user's spend this month by model, summed, most spent first (the operator's page). */
export function sumByModel(users: readonly OperatorUser[]): { model: string; costUsd: number }[] {
  const sums = new Map<string, number>();
  for (const u of users) for (const m of u.stats?.spentMonthByModel ?? []) sums.set(m.model, (sums.get(m.model) ?? 0) + m.costUsd);
  return [...sums].map(([model, costUsd]) => ({ model, costUsd })).sort((a, b) => b.costUsd - a.costUsd);
}

export type DashboardPage = { kind: "dashboard"; generatedAt: number; machinesMode: boolean; directoryAnswered: boolean; users: OperatorUser[] };

export type WebPage = ConversationsPage | DashboardPage | RunPage;

/**
 * The tool calls the main page lists, runs oldest first: the first `perRun` of each of the
 * `recentRuns` latest runs; older runs' are only counted. The rest are on each run's own page. A
 * run whose calls were not recorded stays so.
 */
export function listedToolCalls<R extends Pick<RunView, "toolCalls">>(runs: readonly R[], limits: { recentRuns: number; perRun: number }): R[] {
  return runs.map((run, i) => {
    if (!run.toolCalls) return run;
    const shown = i >= runs.length - limits.recentRuns ? limits.perRun : 0;
    const { calls, more } = run.toolCalls;
    return { ...run, toolCalls: { calls: calls.slice(0, shown), more: more + Math.max(0, calls.length - shown) } };
  });
}

/** A VM run is `<run id>-<attempt>` (runs-repo.ts): the run a change belongs to. */
export function runIdOfVmRun(vmRunId: string): string {
  return vmRunId.replace(/-\d+$/, "");
}

/** The change whose diff the page shows inline: the newest one with HTML kept, not undone, of any run shown. */
export function inlineChange(conversations: readonly Pick<ConversationView, "runs">[]): ChangeView | null {
  let newest: { at: number; change: ChangeView } | null = null;
  for (const c of conversations) {
    for (const run of c.runs) {
      for (const change of run.changes) {
        if (change.diffHtmlKey && !change.undone && (!newest || run.startedAt >= newest.at)) newest = { at: run.startedAt, change };
      }
    }
  }
  return newest?.change ?? null;
}

/** The `count` UTC days ending on `lastDay` (`yyyy-mm-dd`), oldest first. */
export function daysEnding(lastDay: string, count: number): string[] {
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** Every day of `days`, with the value stored for it or 0 (a day without rows is a day of nothing). */
export function fillDays(days: readonly string[], stored: ReadonlyMap<string, number>): DayValue[] {
  return days.map((day) => ({ day, value: stored.get(day) ?? 0 }));
}

export type Bar = { x: number; y: number; width: number; height: number; day: string; value: number };

/** Bars side by side in a `width` × `height` box, the tallest reaching the top; a zero is no bar. */
export function barGeometry(values: readonly DayValue[], width: number, height: number): Bar[] {
  const max = Math.max(0, ...values.map((v) => v.value));
  const slot = values.length > 0 ? width / values.length : 0;
  return values.map((v, i) => {
    const h = max > 0 && v.value > 0 ? Math.max(1, (v.value / max) * height) : 0;
    return { x: round(i * slot + slot * 0.1), y: round(height - h), width: round(slot * 0.8), height: round(h), day: v.day, value: v.value };
  });
}

/** A chart of this many bars or fewer says every bar's amount; a longer one only its highest. */
export const LABEL_EVERY_BAR_UP_TO = 10;

/**
 * What a bar chart says in words, beside its bars: the total, the highest day (the first of
 * equals; none when every day is 0), and the bars whose amount is written above them (every
 * non-zero one when they are few, else the highest alone, so labels never overlap).
 */
export function chartFigures(values: readonly DayValue[]): { total: number; highest: DayValue | null; labelled: number[] } {
  const total = values.reduce((n, v) => n + v.value, 0);
  const top = values.reduce((best, v, i) => (v.value > (values[best]?.value ?? 0) ? i : best), -1);
  const highest = top >= 0 ? (values[top] ?? null) : null;
  const labelled = values.length <= LABEL_EVERY_BAR_UP_TO ? values.flatMap((v, i) => (v.value > 0 ? [i] : [])) : top >= 0 ? [top] : [];
  return { total, highest, labelled };
}

/** `2 min 5 s`, `840 ms`; `still running` while it has no end. */
export function runDuration(run: Pick<RunView, "startedAt" | "endedAt">): string {
  if (run.endedAt === null) return "still running";
  const ms = Math.max(0, run.endedAt - run.startedAt);
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-11-23 14:05` in the user's zone (the page is read on their phone). One formatter per zone: making one costs more than using it. */
export function pageTime(at: number, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) formatters.set(timeZone, (format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  const parts = format.formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
