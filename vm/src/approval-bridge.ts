// Approvals in flight: the CLI's permission prompt tool asks through the relay's MCP server; each
// question becomes an `approval_request` event of the run and waits for the relay's answer, for at
// most the run's approval timeout, and never past the end of the run. Every way out but `allow` is
// a deny, so the agent never acts unanswered.
import { randomBytes } from "node:crypto";
import { describeToolUse } from "./core/progress-line";
import { boundApprovalInput, parsePermissionRule, type ApprovalVerdict } from "./core/approvals";
import type { ApprovalAsk } from "./core/relay-tool-wire";
import type { ApprovalAnswerRequest } from "../../src/protocol/vm-protocol";
import type { Run } from "./run";

type Pending = { toolName: string; userKey: string; cwd: string; settle: (verdict: ApprovalVerdict) => void };
/** A request of a run: waiting, or settled (answered, timed out, denied at the run's end). */
type Entry = Pending | "settled";

export type ApprovalOutcome = "applied" | "settled" | "unknown" | "rule_mismatch";

/** Requests of a finished run are remembered this long, so a late answer is told "settled", not "unknown". */
const SETTLED_KEPT_MS = 10 * 60_000;

export function createApprovalBridge(options: {
  /** Values no event may carry (VM_TOKEN, pass-through secrets, git credentials). */
  secrets: readonly string[];
  /** Writes a remembered rule to the workspace's settings (as its user) before the action goes ahead. */
  rememberRule: (where: { userKey: string; cwd: string }, rule: string) => void;
}) {
  const byRun = new Map<string, Map<string, Entry>>();

  function entriesOf(run: Run): Map<string, Entry> {
    let entries = byRun.get(run.id);
    if (!entries) {
      const created = new Map<string, Entry>();
      byRun.set(run.id, created);
      run.onFinished(() => setTimeout(() => byRun.get(run.id) === created && byRun.delete(run.id), SETTLED_KEPT_MS).unref());
      entries = created;
    }
    return entries;
  }

  return {
    /** Emits the request on the run's stream and resolves with the relay's verdict, a timeout or the run's end. */
    ask(run: Run, ask: ApprovalAsk, timeoutMs: number): Promise<ApprovalVerdict> {
      if (run.isFinished() || run.stopRequest) return Promise.resolve({ behavior: "deny", message: "The run is ending; not approved." });
      const entries = entriesOf(run);
      const requestId = `appr_${randomBytes(12).toString("base64url")}`;
      return new Promise<ApprovalVerdict>((resolve) => {
        const minutes = timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} min` : `${Math.round(timeoutMs / 1000)} s`;
        const timer = setTimeout(
          () => settle({ behavior: "deny", message: `Not approved in time: the user did not answer within ${minutes}, so this was not done. Ask again if it is still needed.` }),
          timeoutMs,
        );
        const pending: Pending = { toolName: ask.tool_name, userKey: run.userKey, cwd: run.cwd, settle: (verdict) => settle(verdict) };
        const settle = (verdict: ApprovalVerdict) => {
          if (entries.get(requestId) !== pending) return;
          entries.set(requestId, "settled");
          clearTimeout(timer);
          resolve(verdict);
        };
        // Recorded as pending first: a relay that answers at once finds the request.
        entries.set(requestId, pending);
        run.onFinished(() => settle({ behavior: "deny", message: "The run ended before the user answered; not approved." }));
        const summary = describeToolUse(ask.tool_name, ask.input, run.cwd) ?? undefined;
        const input = boundApprovalInput(ask.input, options.secrets);
        run.feed({ type: "approval_request", requestId, tool: ask.tool_name, input, summary });
      });
    },

    /** The relay's answer. A remembered rule must name the request's own tool; it is written before the allow. */
    answer(runId: string, answer: ApprovalAnswerRequest): ApprovalOutcome {
      const entry = byRun.get(runId)?.get(answer.requestId);
      if (entry === undefined) return "unknown";
      if (entry === "settled") return "settled";
      if (answer.decision === "deny") {
        entry.settle({ behavior: "deny", message: answer.message ?? "The user declined this from their phone; it was not done." });
        return "applied";
      }
      const rule = answer.remember === undefined ? undefined : parsePermissionRule(answer.remember);
      if (rule === null || (rule && rule.toolName !== entry.toolName)) return "rule_mismatch";
      if (rule && answer.remember) options.rememberRule(entry, answer.remember);
      entry.settle(rule ? { behavior: "allow", rule } : { behavior: "allow" });
      return "applied";
    },
  };
}

export type ApprovalBridge = ReturnType<typeof createApprovalBridge>;
