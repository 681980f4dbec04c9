// The relay's answers to the agent's tool calls, one per (VM run, call id).
import type { Sql } from "./sql";

export type ToolAnswer = { ok: boolean; text: string };
export type PendingToolAnswer = ToolAnswer & { callId: string };

export function createToolCallsRepo(sql: Sql) {
  return {
    record(vmRunId: string, callId: string, answer: ToolAnswer, now: number): void {
      sql`INSERT INTO tool_calls (call_id, vm_run_id, ok, text, created_at) VALUES (${callId}, ${vmRunId}, ${answer.ok ? 1 : 0}, ${answer.text}, ${now})
        ON CONFLICT DO NOTHING`;
    },
    /** Answers stored but not yet delivered to the VM, oldest first. */
    unanswered(vmRunId: string): PendingToolAnswer[] {
      return sql<{ call_id: string; ok: number; text: string }>`SELECT call_id, ok, text FROM tool_calls
        WHERE vm_run_id = ${vmRunId} AND answered = 0 ORDER BY created_at`.map((r) => ({ callId: r.call_id, ok: r.ok === 1, text: r.text }));
    },
    markAnswered(vmRunId: string, callId: string): void {
      sql`UPDATE tool_calls SET answered = 1 WHERE vm_run_id = ${vmRunId} AND call_id = ${callId}`;
    },
    pruneBefore(before: number): void {
      sql`DELETE FROM tool_calls WHERE created_at < ${before}`;
    },
  };
}
export type ToolCallsRepo = ReturnType<typeof createToolCallsRepo>;
