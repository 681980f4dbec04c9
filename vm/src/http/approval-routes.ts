// `POST /v1/runs/:runId/approval` (the relay's answers, docs/protocol.md) and the internal
// `POST /internal/approval` (the questions of the CLI's permission prompt tool), heard only from
// the relay MCP server a CLI started (`/internal/hello` binds it): the HTTP side of
// approvals/approval-bridge.ts.
import type { IncomingMessage } from "node:http";
import type { Context, Hono } from "hono";
import { ApprovalAnswerRequestSchema } from "../../../src/protocol/vm/approvals";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import type { ApprovalBridge } from "../approvals/approval-bridge";
import { APPROVAL_ROUTE, ApprovalAskSchema, HELLO_ROUTE } from "../core/relay-tool-wire";
import { fail, parseBody } from "./http-body";
import type { PeerSocket } from "../relay-tools/peer-process";
import type { Run } from "../core/run-handle";
import type { RunManager } from "../runs/run-manager";
import type { Refusal, ToolBridge } from "../relay-tools/tool-bridge";

/** The request's own connection, from Node's server (c.env.incoming under @hono/node-server). */
function socketOf(c: Context): PeerSocket | null {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  return socket?.remotePort && socket.localPort ? { remotePort: socket.remotePort, localPort: socket.localPort } : null;
}

/**
 * The run an internal request speaks for: only from the relay MCP server its secret is bound to
 * (relay-tools/tool-bridge.ts). Anything else is 401, logged with why and the peer's port, never
 * the secret.
 */
export async function internalCaller(c: Context, tools: ToolBridge): Promise<() => Run | null> {
  const caller = await tools.callerOf(c.req.header("authorization"), socketOf(c));
  if ("refused" in caller) refuse(c, caller.refused);
  return caller.currentRun;
}

function refuse(c: Context, reason: Refusal): never {
  console.warn(`vm: internal_request_refused route=${c.req.path} reason=${reason} port=${socketOf(c)?.remotePort ?? "?"}`);
  fail(401, { error: "unauthorized" });
}

export type ApprovalRouteDeps = {
  manager: RunManager;
  tools: ToolBridge;
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
    if (outcome === "rule_mismatch") fail(400, { error: "bad_request", message: "remember must be the rule the relay offered for this request: its own tool, no wider than it, never a program that runs whatever follows it" });
    if (run.isFinished()) fail(409, { error: "run_finished", message: "the run has ended; its approvals were denied" });
    fail(404, { error: "unknown_approval", message: `no approval ${answer.requestId} in this run` });
  });

  // The MCP server, at its start: its secret is bound to its process (only a live CLI's child's).
  app.post(HELLO_ROUTE, async (c) => {
    const refused = await deps.tools.bind(c.req.header("authorization"), socketOf(c));
    if (refused) refuse(c, refused);
    return c.json({ bound: true });
  });

  // The permission prompt tool of the same MCP server, same secret: a question for the process's current run.
  app.post(APPROVAL_ROUTE, async (c) => {
    const currentRun = await internalCaller(c, deps.tools);
    const ask = await parseBody(c, ApprovalAskSchema);
    const run = currentRun();
    const timeoutMs = run ? deps.manager.approvalTimeoutOf(run.id) : null;
    if (!run || timeoutMs === null) return c.json({ behavior: "deny", message: "No run that asks for approvals is active for this agent; not approved." });
    return c.json(await deps.approvals.ask(run, ask, timeoutMs, deps.manager.untrusted(run.id)));
  });
}
