// Answers owed to a VM run, one mechanism for both things the VM waits on: the relay's answers
// to the agent's tool calls and the user's decisions on its approval requests. Each is stored in
// the transaction that decides it, then posted while the run's stream is read (after a reset,
// an eviction or a reconnect too), until the VM took it or said it no longer waits.
import { ApprovalAnswerRequestSchema, type ApprovalAnswerRequest } from "../protocol/vm/approvals";
import { ToolResultRequestSchema, type ToolResultRequest } from "../protocol/vm/runs";
import type { VmClient } from "../machines/vm-client";
import type { Transaction } from "../shared/sql";
import type { VmAnswer, VmAnswersRepo } from "./vm-answers-repo";

export type OwedAnswer = { kind: "tool"; body: ToolResultRequest } | { kind: "approval"; body: ApprovalAnswerRequest };

export function createVmAnswers(d: { repo: VmAnswersRepo; transaction: Transaction }) {
  const { repo } = d;

  /** One post to the VM: null when it did not answer (tried again with the next step). */
  const post = async (vm: VmClient, vmRunId: string, a: VmAnswer): Promise<boolean | null> => {
    if (a.kind === "tool") {
      const sent = await vm.toolResult(vmRunId, ToolResultRequestSchema.parse(a.body));
      return sent.ok ? sent.delivered : null;
    }
    const sent = await vm.approval(vmRunId, ApprovalAnswerRequestSchema.parse(a.body));
    return sent.ok ? sent.applied : null;
  };

  return {
    /** Stores an answer the VM run must hear (call inside the deciding transaction); once per ask. */
    owe(vmRunId: string, askId: string, answer: OwedAnswer, now: number): void {
      repo.owe({ vmRunId, kind: answer.kind, askId, body: answer.body, now });
    },

    /** Posts what the run has not heard, in order; returns what the VM no longer waited for. */
    async deliver(vmRunId: string, vm: VmClient): Promise<VmAnswer[]> {
      if (!repo.anyDue()) return [];
      const late: VmAnswer[] = [];
      for (const a of repo.due(vmRunId)) {
        const took = await post(vm, vmRunId, a);
        if (took === null) break;
        d.transaction(() => repo.settle(vmRunId, a.kind, a.askId, took ? "done" : "late"));
        if (!took) late.push(a);
      }
      return late;
    },

    /** The VM run is over: what it still owed is late (call inside that change's transaction). */
    runOver: (vmRunId: string): VmAnswer[] => repo.lateFor(vmRunId),
  };
}
export type VmAnswers = ReturnType<typeof createVmAnswers>;
