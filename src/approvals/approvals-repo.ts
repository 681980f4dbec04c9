// The agent's questions (approval_request events) and what became of them, and the rules an
// "always" remembered per conversation.
import * as z from "zod/mini";
import type { ApprovalAnswer, ApprovalMode } from "./approvals";
import { createDueTimesRepo, type DueTimesRepo, keepingDueTime } from "../shared/due-times-repo";
import { memo, memoBy, type Sql } from "../shared/sql";

/** Built once: a schema per row costs CPU on the webhook path. */
const AnswerSchema = z.enum(["yes", "no", "always"]);
const ModeSchema = z.enum(["off", "edits", "on"]);

export const ApprovalStatusSchema = z.enum(["pending", "allowed", "denied", "expired", "stopped", "ended"]);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

type ApprovalRow = {
  id: number;
  run_id: string;
  vm_run_id: string;
  request_id: string;
  conversation_id: number;
  number: number;
  tool: string;
  description: string;
  rule: string | null;
  status: string;
  answer: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  reminders: number;
  reminded_at: number | null;
};

export type Approval = {
  id: number;
  runId: string;
  vmRunId: string;
  requestId: string;
  conversationId: number;
  number: number;
  tool: string;
  description: string;
  rule: string | null;
  status: ApprovalStatus;
  answer: ApprovalAnswer | null;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
  /** Reminders sent while it was open, and when the last went. */
  reminders: number;
  remindedAt: number | null;
};

function toApproval(row: ApprovalRow): Approval {
  return {
    id: row.id,
    runId: row.run_id,
    vmRunId: row.vm_run_id,
    requestId: row.request_id,
    conversationId: row.conversation_id,
    number: row.number,
    tool: row.tool,
    description: row.description,
    rule: row.rule,
    status: ApprovalStatusSchema.parse(row.status),
    answer: row.answer === null ? null : AnswerSchema.parse(row.answer),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
    reminders: row.reminders,
    remindedAt: row.reminded_at,
  };
}

/** `dueTimes`: where the earliest open prompt's deadline is kept; every write that opens or closes one stores it. */
export function createApprovalsRepo(sql: Sql, dueTimes: DueTimesRepo = createDueTimesRepo(sql)) {
  const repo = {
    /**
     * Stores a question once per (VM run, request id); null when it was stored before (a replay).
     * Its number is its id: AUTOINCREMENT never gives one twice in this user's object, even after
     * old rows are pruned, so a late `yes 2` can never answer a newer prompt. (Rows from before kept
     * the small numbers they had, all below any id given since.)
     */
    insert(a: { runId: string; vmRunId: string; requestId: string; conversationId: number; tool: string; description: string; rule: string | null; expiresAt: number; now: number }): Approval | null {
      // Looked for first: an insert that meets the unique key still uses up an id, and numbers would skip.
      if (repo.byRequest(a.vmRunId, a.requestId)) return null;
      const [stored] = sql<{ id: number }>`INSERT INTO approvals (run_id, vm_run_id, request_id, conversation_id, number, tool, description, rule, created_at, expires_at)
        VALUES (${a.runId}, ${a.vmRunId}, ${a.requestId}, ${a.conversationId}, 0, ${a.tool}, ${a.description}, ${a.rule}, ${a.now}, ${a.expiresAt})
        ON CONFLICT (vm_run_id, request_id) DO NOTHING RETURNING id`;
      if (!stored) return null;
      const [row] = sql<ApprovalRow>`UPDATE approvals SET number = id WHERE id = ${stored.id} RETURNING *`;
      return row ? toApproval(row) : null;
    },
    get(id: number): Approval | null {
      const row = sql<ApprovalRow>`SELECT * FROM approvals WHERE id = ${id}`[0];
      return row ? toApproval(row) : null;
    },
    /** The prompt that was shown as #`number` (the latest, for numbers from before they were ids), open or not. */
    byNumber(number: number): Approval | null {
      const row = sql<ApprovalRow>`SELECT * FROM approvals WHERE number = ${number} ORDER BY id DESC LIMIT 1`[0];
      return row ? toApproval(row) : null;
    },
    /** The open prompts, by number. Asked on every inbound message. */
    pending: memo(sql, (): Approval[] => sql<ApprovalRow>`SELECT * FROM approvals WHERE status = 'pending' ORDER BY number`.map(toApproval)),
    /** Closes a prompt; only a pending one (a second answer changes nothing). */
    decide(id: number, d: { status: Exclude<ApprovalStatus, "pending">; answer: ApprovalAnswer | null; now: number }): boolean {
      return sql`UPDATE approvals SET status = ${d.status}, answer = ${d.answer}, decided_at = ${d.now}
        WHERE id = ${id} AND status = 'pending' RETURNING id`.length === 1;
    },
    /** A reminder named these open prompts at `now`. */
    markReminded(ids: readonly number[], now: number): void {
      sql`UPDATE approvals SET reminders = reminders + 1, reminded_at = ${now} WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND status = 'pending'`;
    },
    /** When the last reminder went, for any prompt (null: none kept). */
    lastReminderAt: memo(sql, (): number | null => sql<{ at: number | null }>`SELECT max(reminded_at) AS at FROM approvals`[0]?.at ?? null),
    /** The open prompts of a VM run (it ended: they close with it). */
    pendingOfVmRun(vmRunId: string): Approval[] {
      return sql<ApprovalRow>`SELECT * FROM approvals WHERE vm_run_id = ${vmRunId} AND status = 'pending' ORDER BY id`.map(toApproval);
    },
    byRequest(vmRunId: string, requestId: string): Approval | null {
      const row = sql<ApprovalRow>`SELECT * FROM approvals WHERE vm_run_id = ${vmRunId} AND request_id = ${requestId}`[0];
      return row ? toApproval(row) : null;
    },
    /** The earliest time an open prompt is denied for want of an answer. */
    nextExpiry: (): number | null => dueTimes.of("approvals"),
    expired(now: number): Approval[] {
      return sql<ApprovalRow>`SELECT * FROM approvals WHERE status = 'pending' AND expires_at <= ${now} ORDER BY id`.map(toApproval);
    },
    /** Every prompt of a run, asked first first: the times it waited for the user (read twice on every step of a stream: remembered until the approvals change). */
    ofRun: memoBy(sql, (runId: string): Approval[] => sql<ApprovalRow>`SELECT * FROM approvals WHERE run_id = ${runId} ORDER BY id`.map(toApproval)),
    /** What was not allowed in a run (a task's result lists them). */
    refusedInRun(runId: string): Approval[] {
      return sql<ApprovalRow>`SELECT * FROM approvals WHERE run_id = ${runId} AND status IN ('denied', 'expired', 'stopped') ORDER BY id`.map(toApproval);
    },
    /** The last decisions, newest first (/approvals log). */
    recent(limit: number): Approval[] {
      return sql<ApprovalRow>`SELECT * FROM approvals WHERE status != 'pending' ORDER BY coalesce(decided_at, created_at) DESC, id DESC LIMIT ${limit}`.map(toApproval);
    },
    pruneBefore(before: number): void {
      sql`DELETE FROM approvals WHERE status != 'pending' AND created_at < ${before}`;
    },

    /** Read by every run's start: remembered until the conversations change. */
    modeOf: memoBy(sql, (conversationId: number): ApprovalMode | null => {
      const row = sql<{ approval_mode: string | null }>`SELECT approval_mode FROM conversations WHERE id = ${conversationId}`[0];
      return row?.approval_mode ? ModeSchema.parse(row.approval_mode) : null;
    }),
    setMode(conversationId: number, mode: ApprovalMode): void {
      sql`UPDATE conversations SET approval_mode = ${mode} WHERE id = ${conversationId}`;
    },

    addRule(conversationId: number, rule: string, now: number): void {
      sql`INSERT INTO approval_rules (conversation_id, rule, created_at) VALUES (${conversationId}, ${rule}, ${now}) ON CONFLICT DO NOTHING`;
    },
    rules(conversationId: number): string[] {
      return sql<{ rule: string }>`SELECT rule FROM approval_rules WHERE conversation_id = ${conversationId} ORDER BY created_at, rule`.map((r) => r.rule);
    },
    clearRules(conversationId: number): number {
      return sql`DELETE FROM approval_rules WHERE conversation_id = ${conversationId} RETURNING rule`.length;
    },
  };
  const earliestExpiry = (): number | null => sql<{ at: number | null }>`SELECT min(expires_at) AS at FROM approvals WHERE status = 'pending'`[0]?.at ?? null;
  return keepingDueTime(repo, { dueTimes, unit: "approvals", dueAt: earliestExpiry, writes: ["insert", "decide"] });
}
export type ApprovalsRepo = ReturnType<typeof createApprovalsRepo>;
