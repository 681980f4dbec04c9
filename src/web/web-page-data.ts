// The private page's data, read from one PhoneAgent's rows (reads only): its conversations'
// transcripts, runs and approvals, its spend per day; for the operator's page, this user's line,
// and the dashboard itself gathered in the admin's object from every user's. The link's epoch is
// checked here, in the object that owns it, so a revoked link finds nothing.
import { archiveLine } from "../machines/machine-report";
import { pageApprovalText } from "../approvals/approval-text";
import type { Config } from "../config/config";
import type { UserSummary } from "../admin/admin-replies";
import { dayIn, monthIn } from "../usage/spend-days";
import type { SpendRepo } from "../usage/spend-repo";
import { isConfiguredAdmin } from "../channels/user-names";
import {
  type ChangeView,
  type ConversationView,
  type LiveView,
  type DashboardPage,
  daysEnding,
  fillDays,
  listedToolCalls,
  type OperatorStats,
  type OperatorUser,
  runIdOfVmRun,
  type RunPage,
  type RunView,
  type TranscriptEntry,
  type WebPage,
} from "./web-page-model";
import { type Owners, transcripts } from "./web-transcript";
import { LIVE_REPLAY_MAX } from "./web-live";
import { MAIN_CONVERSATION_ID } from "../conversations/conversations-repo";
import { ButtonsSchema } from "../outbox/outbox-repo";
import { withTypedAnswers } from "../channels/whatsapp/channel-client";
import type { PageScope } from "../conversations/page-scope";
import { adminDeps, allUsers, type UserAgent } from "../admin/admin-actions";
import type { SettingsRepo } from "../config/settings-repo";
import type { RunChangesRepo } from "../changes/run-changes-repo";
import { toolCallsOfRun } from "../runs/run-tool-calls";
import type { ReviewDraftsRepo } from "../changes/review-drafts-repo";
import type { LiveEventsRepo } from "./live-events-repo";
import type { RunsRepo } from "../runs/runs-repo";
import type { Sql } from "../shared/sql";
import type { Log } from "../shared/log";
import { timeZoneOf } from "../schedules/schedules-unit";
import { previewRowOf } from "../preview/preview-state";

/**
 * What a link asks of the object it names: a page of `scope`, under link epoch `epoch`; `run`: one
 * run's page, under the same link (the run must be of a conversation the link covers);
 * `operator_line`: one user's line for the dashboard.
 */
export type WebPageRequest = { kind: "page"; scope: PageScope; epoch: number } | { kind: "run"; scope: PageScope; epoch: number; runId: string } | { kind: "operator_line" };
export type WebPageAnswer = WebPage | OperatorStats | null;

export type WebPageDeps = { sql: Sql; repos: { settings: SettingsRepo; spend: Pick<SpendRepo, "byModel">; runChanges: RunChangesRepo; reviewDrafts: ReviewDraftsRepo; liveEvents: LiveEventsRepo; runs: RunsRepo }; phone: string; config: Config | null; env: Env; summary: () => UserSummary; agent: UserAgent; log: Log };

/** Each conversation shows at most this many messages and replies together (its latest): the page stays under 200 KB (bench web-page). */
const ENTRIES_PER_CONVERSATION = 500;
const RUNS_PER_CONVERSATION = 100;
/** The latest messages and outbox rows read for the transcripts (each conversation then shows its latest ENTRIES_PER_CONVERSATION). */
const TRANSCRIPT_ROWS = 5_000;
/** The main page lists the first tool calls of the latest runs (the page stays under 200 KB); each run's own page lists all. */
const TOOL_CALLS_ON_PAGE = { recentRuns: 10, perRun: 5 };
const SPEND_DAYS = 30;
const OPERATOR_DAYS = 7;
/** A user's object that has not answered the dashboard after this long is listed as not answering. */
const USER_ANSWER_MS = 5_000;
/** Outcomes that are not failures: the run answered, or the user stopped it. */
const NOT_FAILED = ["done", "cancelled"];

/** The link's epoch as the phone keeps it: `/web revoke` moves it on, ending every link sent under an older one. */
export function webLinkEpoch(settings: SettingsRepo): number {
  return settings.getNumber("web_link_epoch") ?? 0;
}

/** Ends every link sent so far (`/web revoke`, an admin's /deny): the epoch moves on, and no link of an older one opens again. */
export function endWebLinks(settings: SettingsRepo): void {
  settings.set("web_link_epoch", webLinkEpoch(settings) + 1);
}

export async function webPageData(d: WebPageDeps, request: WebPageRequest, now: number): Promise<WebPageAnswer> {
  if (request.kind === "operator_line") return operatorStats(d, now);
  if (request.epoch !== webLinkEpoch(d.repos.settings)) return null;
  if (request.scope.kind === "dashboard") return request.kind === "page" && isConfiguredAdmin(d.config, d.phone) ? dashboard(d, now) : null;
  return request.kind === "run" ? runPage(d, request.scope, request.runId, now) : conversationsPage(d, request.scope, now);
}

/** The conversations a link covers (none: deleted since the link was sent, the same 404 as any other). */
function conversationsOf(sql: Sql, scope: Exclude<PageScope, { kind: "dashboard" }>): { id: number; name: string }[] {
  const rows = sql<{ id: number; name: string }>`SELECT id, name FROM conversations ORDER BY last_active_at DESC`;
  return scope.kind === "all" ? rows : rows.filter((r) => r.id === scope.conversationId);
}

/** One run of a conversation the link covers, with every tool call kept; null for any other run. */
function runPage(d: WebPageDeps, scope: Exclude<PageScope, { kind: "dashboard" }>, runId: string, now: number): RunPage | null {
  const row = d.sql<RunRow & { conversation_id: number }>`SELECT id, created_at, updated_at, cost_usd, outcome, phase, tool_calls, conversation_id FROM runs WHERE id = ${runId}`[0];
  const conversation = row ? conversationsOf(d.sql, scope).find((c) => c.id === row.conversation_id) : undefined;
  if (!row || !conversation) return null;
  const [run] = runViews(d, conversation.id, [row]);
  return { kind: "run", phone: d.phone, timeZone: timeZoneOf(d.repos.settings), generatedAt: now, conversation, run: run!, review: d.repos.reviewDrafts.draftOf(conversation.id) };
}

function conversationsPage(d: WebPageDeps, scope: Exclude<PageScope, { kind: "dashboard" }>, now: number): WebPage | null {
  const { sql } = d;
  const chosen = conversationsOf(sql, scope);
  if (chosen.length === 0) return null;
  const timeZone = timeZoneOf(d.repos.settings);
  const days = daysEnding(dayIn(now, timeZone), SPEND_DAYS);
  const ids = new Set(chosen.map((c) => c.id));
  const spent = new Map<string, number>();
  for (const r of sql<{ day: string; conversation_id: number; cost: number }>`SELECT day, conversation_id, cost_usd AS cost FROM spend_days WHERE day >= ${days[0]!}`) {
    if (ids.has(r.conversation_id)) spent.set(r.day, (spent.get(r.day) ?? 0) + r.cost);
  }
  const entries = transcriptsOf(sql, d.repos.settings);
  // The latest written to first, as the chat last showed them (then by last activity).
  const lastAt = (id: number) => entries.get(id)?.at(-1)?.at ?? 0;
  const ordered = [...chosen].sort((a, b) => lastAt(b.id) - lastAt(a.id));
  const views = ordered.map((c) => conversationView(d, c, entries.get(c.id) ?? []));
  // One conversation's page streams its runs, the one going and any that starts while it is open (the page of every conversation does not).
  if (scope.kind === "conversation" && views[0]) views[0].live = liveView(d, views[0].id);
  // By model as /cost says it: every conversation's (the spend by model is kept per day and model only).
  const spendByModel = monthByModel(d, timeZone, now);
  return { kind: "conversations", phone: d.phone, timeZone, generatedAt: now, all: scope.kind === "all", conversations: views, spendByDay: fillDays(days, spent), spendByModel };
}

/** This month in the user's zone, by model, most spent first: what /cost says by model. */
function monthByModel(d: WebPageDeps, timeZone: string, now: number): { model: string; costUsd: number }[] {
  const month = monthIn(now, timeZone);
  return d.repos.spend.byModel(`${month}-01`, `${month}-31`).filter((m) => m.costUsd > 0);
}

/** The live part of a conversation's page: the events so far of its run going (none: no run is going yet). */
function liveView(d: WebPageDeps, conversationId: number): LiveView {
  const run = d.repos.runs.openAll().find((r) => r.conversationId === conversationId);
  const since = d.repos.liveEvents.lastSeq();
  const events = run ? d.repos.liveEvents.ofRun(run.id, LIVE_REPLAY_MAX) : [];
  return { since, events, running: Boolean(run) };
}

/** What started each run an event started (its origin), and what the agent was asked (the event's prompt, with its quoted data): the first event message it carried. */
function eventsOfRuns(sql: Sql, runIds: readonly string[]): Map<string, { origin: string; prompt: string }> {
  const out = new Map<string, { origin: string; prompt: string }>();
  if (runIds.length === 0) return out;
  const rows = sql<{ run_id: string; origin: string; body: string }>`SELECT run_id, origin, body FROM messages
    WHERE origin IS NOT NULL AND run_id IN (SELECT value FROM json_each(${JSON.stringify([...new Set(runIds)])})) ORDER BY seq`;
  for (const row of rows) if (!out.has(row.run_id)) out.set(row.run_id, { origin: row.origin, prompt: row.body });
  return out;
}

type RunRow = { id: string; created_at: number; updated_at: number; cost_usd: number; outcome: string | null; phase: string; tool_calls: string | null };

/** The runs as the page shows them, oldest first: approvals, tool calls (all that were kept), changes. */
function runViews(d: WebPageDeps, conversationId: number, runs: RunRow[]): RunView[] {
  const approvals = d.sql<{ run_id: string; tool: string; description: string; status: string; answer: string | null; created_at: number }>`SELECT run_id, tool, description, status, answer, created_at
    FROM approvals WHERE conversation_id = ${conversationId} ORDER BY id`;
  const events = eventsOfRuns(d.sql, runs.map((r) => r.id));
  const changes = new Map<string, ChangeView[]>();
  for (const c of d.repos.runChanges.ofConversation(conversationId, RUNS_PER_CONVERSATION).reverse()) {
    const runId = runIdOfVmRun(c.vmRunId);
    const view = { vmRunId: c.vmRunId, label: c.label, files: c.files.length, insertions: c.insertions, deletions: c.deletions, undone: c.undone, truncated: c.truncated, diffHtmlKey: c.diffHtmlKey };
    changes.set(runId, [...(changes.get(runId) ?? []), view]);
  }
  return runs.map((r) => ({
    id: r.id,
    startedAt: r.created_at,
    endedAt: r.phase === "finished" ? r.updated_at : null,
    costUsd: r.cost_usd,
    outcome: r.outcome,
    approvals: approvals.filter((a) => a.run_id === r.id).map((a) => ({ tool: a.tool, description: pageApprovalText(a.tool, a.description), status: a.status, answer: a.answer, at: a.created_at })),
    toolCalls: toolCallsOfRun(r.tool_calls),
    changes: changes.get(r.id) ?? [],
    startedBy: events.get(r.id)?.origin ?? null,
    startedWith: events.get(r.id)?.prompt ?? null,
  }));
}

function conversationView(d: WebPageDeps, c: { id: number; name: string }, entries: readonly TranscriptEntry[]): ConversationView {
  const runs = d.sql<RunRow>`SELECT id, created_at, updated_at, cost_usd, outcome, phase, tool_calls
    FROM runs WHERE conversation_id = ${c.id} ORDER BY created_at DESC LIMIT ${RUNS_PER_CONVERSATION}`;
  return {
    id: c.id,
    name: c.name,
    entries: entries.slice(-ENTRIES_PER_CONVERSATION),
    runs: listedToolCalls(runViews(d, c.id, runs.reverse()), TOOL_CALLS_ON_PAGE),
    truncated: entries.length > ENTRIES_PER_CONVERSATION,
    review: d.repos.reviewDrafts.draftOf(c.id),
    preview: previewRowOf(d.repos.settings, c.id).server,
  };
}

/**
 * Every conversation's transcript as the chat showed it (web/web-transcript.ts): the latest
 * messages and outbox rows, and what places a notice kept without a conversation. A held message
 * has not reached the chat yet, and a failed one never did.
 */
function transcriptsOf(sql: Sql, settings: SettingsRepo): Map<number, TranscriptEntry[]> {
  // WhatsApp's buttons go as text while Twilio's Content API is unavailable: the text then names what to type (channel-client.ts).
  const buttonsAsText = settings.getNumber("quick_reply_unavailable_at") !== null;
  const messages = sql<{ id: string; body: string; at: number; conversation_id: number; origin: string | null; kind: string }>`SELECT id, body, received_at AS at, conversation_id, origin, kind
    FROM messages ORDER BY seq DESC LIMIT ${TRANSCRIPT_ROWS}`.reverse();
  const outbox = sql<{ id: number; key: string; body: string; at: number; conversation_id: number | null; buttons: string | null; channel: string }>`SELECT id, dedupe_key AS key, body, created_at AS at,
    conversation_id, buttons, channel FROM outbox WHERE held = 0 AND status NOT IN ('failed', 'undelivered') ORDER BY id DESC LIMIT ${TRANSCRIPT_ROWS}`.reverse();
  const pairs = <K>(rows: { key: K; conversation_id: number }[]) => new Map(rows.map((r) => [r.key, r.conversation_id]));
  const owners: Owners = {
    runs: pairs(sql<{ key: string; conversation_id: number }>`SELECT id AS key, conversation_id FROM runs`),
    approvals: pairs(sql<{ key: number; conversation_id: number }>`SELECT id AS key, conversation_id FROM approvals`),
    deliveries: pairs(sql<{ key: string; conversation_id: number }>`SELECT d.delivery AS key, p.conversation_id FROM github_deliveries d
      JOIN pull_requests p ON lower(p.repo) = d.repo AND p.number = d.number`),
    workspaces: pairs(sql<{ key: string; conversation_id: number }>`SELECT workspace AS key, id AS conversation_id FROM conversations`),
  };
  return transcripts(
    messages.map((m) => ({ id: m.id, body: m.body, at: m.at, conversationId: m.conversation_id, origin: m.origin, kind: m.kind })),
    outbox.map((o) => {
      const buttons = o.buttons === null ? [] : ButtonsSchema.parse(JSON.parse(o.buttons));
      const body = o.channel === "whatsapp" && buttonsAsText ? withTypedAnswers(o.body, buttons) : o.body;
      return { id: o.id, key: o.key, body, at: o.at, conversationId: o.conversation_id, buttons: buttons.map((b) => b.title) };
    }),
    owners,
    MAIN_CONVERSATION_ID,
  );
}

/** This user's line on the operator's page: the /users summary and what only the rows say. */
function operatorStats(d: WebPageDeps, now: number): OperatorStats {
  const { sql } = d;
  const s = d.summary();
  const days = daysEnding(new Date(now).toISOString().slice(0, 10), OPERATOR_DAYS);
  const since = Date.parse(`${days[0]!}T00:00:00Z`);
  const count = (rows: { day: string; n: number }[]) => new Map(rows.map((r) => [r.day, r.n]));
  const messages = count(sql<{ day: string; n: number }>`SELECT strftime('%Y-%m-%d', received_at / 1000, 'unixepoch') AS day, count(*) AS n FROM messages WHERE received_at >= ${since} GROUP BY day`);
  const runs = count(sql<{ day: string; n: number }>`SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, count(*) AS n FROM runs WHERE created_at >= ${since} GROUP BY day`);
  const failures = count(sql<{ day: string; n: number }>`SELECT strftime('%Y-%m-%d', updated_at / 1000, 'unixepoch') AS day, count(*) AS n FROM runs
    WHERE updated_at >= ${since} AND outcome IS NOT NULL AND outcome NOT IN (${NOT_FAILED[0]!}, ${NOT_FAILED[1]!}) GROUP BY day`);
  const last = sql<{ at: number; outcome: string }>`SELECT updated_at AS at, outcome FROM runs WHERE outcome IS NOT NULL AND outcome NOT IN (${NOT_FAILED[0]!}, ${NOT_FAILED[1]!})
    ORDER BY updated_at DESC LIMIT 1`[0];
  return {
    spentTodayUsd: s.spentTodayUsd,
    spentMonthUsd: s.spentMonthUsd,
    dailyBudgetUsd: s.dailyBudgetUsd,
    monthlyBudgetUsd: s.monthlyBudgetUsd,
    conversations: sql<{ n: number }>`SELECT count(*) AS n FROM conversations`[0]?.n ?? 0,
    queued: s.queued,
    heldReplies: sql<{ n: number }>`SELECT count(*) AS n FROM outbox WHERE held = 1`[0]?.n ?? 0,
    lastActiveAt: s.lastActiveAt,
    lastFailure: last ? { at: last.at, outcome: last.outcome } : null,
    ...(s.machine !== undefined ? { machineState: s.machine?.state ?? null } : {}),
    ...(s.archive !== undefined ? { archive: archiveLine(s.archive, now) } : {}),
    days: days.map((day) => ({ day, messages: messages.get(day) ?? 0, runs: runs.get(day) ?? 0, failures: failures.get(day) ?? 0 })),
    spentMonthByModel: monthByModel(d, timeZoneOf(d.repos.settings), now),
  };
}

/** The operator's page, gathered in the admin's object: every user /users lists, each asked for its line. */
async function dashboard(d: WebPageDeps, now: number): Promise<DashboardPage> {
  const admin = adminDeps(d.env, d.config, { phone: d.phone, agent: d.agent }, d.log);
  const { listed, sources } = await allUsers(admin);
  const phones = [...sources.keys()].sort();
  const lines = await Promise.all(
    phones.map(async (phone): Promise<OperatorUser> => {
      try {
        if (phone === d.phone) return { phone, stats: operatorStats(d, now) };
        const asked = d.env.PHONE_AGENT.get(d.env.PHONE_AGENT.idFromName(phone)).webPage({ kind: "operator_line" }) as Promise<OperatorStats | null>;
        return { phone, stats: await withinTime(asked, USER_ANSWER_MS) };
      } catch (error) {
        d.log("dashboard_user_failed", { target: phone, error: error instanceof Error ? error.message : String(error) });
        return { phone, stats: null };
      }
    }),
  );
  return { kind: "dashboard", generatedAt: now, machinesMode: Boolean(d.config?.machines), directoryAnswered: listed.ok, users: lines };
}

/** `promise`'s value, or a rejection once `ms` have passed (the timer cleared either way). */
async function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
