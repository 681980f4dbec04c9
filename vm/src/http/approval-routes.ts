// `POST /v1/runs/:runId/approval`: the relay's answers (docs/protocol.md) to the questions of the
// CLI's permission prompt tool (mcp-routes.ts): the HTTP side of approvals/approval-bridge.ts.
import type { Context, Hono } from "hono";
import { ApprovalAnswerRequestSchema } from "../../../src/protocol/vm/approvals";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import type { ApprovalBridge } from "../approvals/approval-bridge";
import { fail, parseBody } from "./http-body";
import type { RunManager } from "../runs/run-manager";

export type ApprovalRouteDeps = {
  manager: RunManager;
  approvals: ApprovalBridge;
  runPattern: (build: (runId: string) => string) => string;
  runIdOf: (c: Context) => string;
};

export function addApprovalRoutes(app: Hono, deps: ApprovalRouteDeps): void {
  // Applied once: a second answer (or one after the timeout or the run's end) is 409, never applied.
  app.post(deps.runPattern(VM_ROUTES.approval), async (c) => {
    const runId = deps.runIdOf(c);
    const answer = await parseBody(c, ApprovalAnswerRequestSchema);
    const run = deps.manager.find(runId);
    if (!run) fail(404, { error: "unknown_run" });
    const outcome = deps.approvals.answer(runId, answer);
    if (outcome === "applied") return c.json({ accepted: true }, 202);
    if (outcome === "settled") fail(409, { error: "approval_settled", message: `approval ${answer.requestId} was already answered, timed out, or ended with its run` });
    if (outcome === "rule_mismatch") fail(400, { error: "bad_request", message: "remember must be the rule the relay offered for this request: its own tool, no wider than it, never a program that runs whatever follows it; mode answers a plan (ExitPlanMode) only" });
    if (run.isFinished()) fail(409, { error: "run_finished", message: "the run has ended; its approvals were denied" });
    fail(404, { error: "unknown_approval", message: `no approval ${answer.requestId} in this run` });
  });
}
