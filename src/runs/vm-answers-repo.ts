// Answers owed to a VM run (tool results and approval decisions), one row per (VM run, kind, ask).
import * as z from "zod/mini";
import { memo, type Sql } from "../shared/sql";

/** Built once: a schema per row costs CPU on the webhook path. */
const VmAnswerKindSchema = z.enum(["tool", "approval"]);
const VmAnswerDeliverySchema = z.enum(["due", "done", "late"]);

export type VmAnswerKind = "tool" | "approval";
/** What the relay answers a tool call of the agent. */
export type ToolAnswer = { ok: boolean; text: string };
export type VmAnswerDelivery = "due" | "done" | "late";
export type VmAnswer = { vmRunId: string; kind: VmAnswerKind; askId: string; body: unknown; delivery: VmAnswerDelivery };

type VmAnswerRow = { vm_run_id: string; kind: string; ask_id: string; body: string; delivery: string };

function toAnswer(row: VmAnswerRow): VmAnswer {
  return {
    vmRunId: row.vm_run_id,
    kind: VmAnswerKindSchema.parse(row.kind),
    askId: row.ask_id,
    // Parsed by the kind's own schema where it is sent (runs/vm-answers.ts).
    body: JSON.parse(row.body) as unknown,
    delivery: VmAnswerDeliverySchema.parse(row.delivery),
  };
}

export function createVmAnswersRepo(sql: Sql) {
  return {
    /** Stores an answer once per (VM run, kind, ask): false when one was stored before. */
    owe(a: { vmRunId: string; kind: VmAnswerKind; askId: string; body: unknown; now: number }): boolean {
      return sql`INSERT INTO vm_answers (vm_run_id, kind, ask_id, body, created_at) VALUES (${a.vmRunId}, ${a.kind}, ${a.askId}, ${JSON.stringify(a.body)}, ${a.now})
        ON CONFLICT DO NOTHING RETURNING ask_id`.length === 1;
    },
    /** Whether any answer waits for a VM: asked before every step of a stream, so remembered until a write. */
    anyDue: memo(sql, (): boolean => sql`SELECT 1 FROM vm_answers WHERE delivery = 'due' LIMIT 1`.length > 0),
    /** What a VM run has not heard yet, in the order it was decided. */
    due(vmRunId: string): VmAnswer[] {
      return sql<VmAnswerRow>`SELECT * FROM vm_answers WHERE vm_run_id = ${vmRunId} AND delivery = 'due' ORDER BY created_at, ask_id`.map(toAnswer);
    },
    get(vmRunId: string, kind: VmAnswerKind, askId: string): VmAnswer | null {
      const row = sql<VmAnswerRow>`SELECT * FROM vm_answers WHERE vm_run_id = ${vmRunId} AND kind = ${kind} AND ask_id = ${askId}`[0];
      return row ? toAnswer(row) : null;
    },
    /** Marks one answer; only while it is still due. */
    settle(vmRunId: string, kind: VmAnswerKind, askId: string, delivery: "done" | "late"): boolean {
      return sql`UPDATE vm_answers SET delivery = ${delivery} WHERE vm_run_id = ${vmRunId} AND kind = ${kind} AND ask_id = ${askId} AND delivery = 'due'
        RETURNING ask_id`.length === 1;
    },
    /** A VM run that is over hears nothing more: what it still owed is late. */
    lateFor(vmRunId: string): VmAnswer[] {
      return sql<VmAnswerRow>`UPDATE vm_answers SET delivery = 'late' WHERE vm_run_id = ${vmRunId} AND delivery = 'due' RETURNING *`.map(toAnswer);
    },
    pruneBefore(before: number): void {
      sql`DELETE FROM vm_answers WHERE delivery != 'due' AND created_at < ${before}`;
    },
  };
}
export type VmAnswersRepo = ReturnType<typeof createVmAnswersRepo>;
