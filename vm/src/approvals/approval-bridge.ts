// Approvals in flight: the CLI's permission prompt tool asks through the relay's MCP server; each
// question becomes an `approval_request` event of the run and waits for the relay's answer, for at
// most the run's approval timeout, and never past the end of the run. Every way out but `allow` is
// a deny, so the agent never acts unanswered.
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { approvalEdit, editedPaths } from "../core/approval-edit";
import { describeToolUse } from "../core/progress-line";
import { boundApprovalInput, parsePermissionRule, ruleFitsRequest, type ApprovalVerdict } from "../core/approvals";
import type { ApprovalAsk } from "../core/relay-tool-wire";
import { EXIT_PLAN_TOOL, type ApprovalAnswerRequest } from "../../../src/protocol/vm/approvals";
import { type AskOutcome, createPendingAsks } from "../relay-tools/pending-asks";
import type { Run } from "../core/run-handle";
import type { AgentIds } from "../core/agent-ids";
import { readOwnText, readUserText } from "../files/checked-open";
import { userPathsOfKey } from "../users/user-paths";

/** What an answer is checked against: a remembered rule must fit the request itself, and goes to its workspace. */
type Asked = { toolName: string; input: Record<string, unknown>; userKey: string; cwd: string; untrusted: boolean };

export type ApprovalOutcome = "applied" | "settled" | "unknown" | "rule_mismatch";

/** Requests of a finished run are remembered this long, so a late answer is told "settled", not "unknown". */
const SETTLED_KEPT_MS = 10 * 60_000;

export function createApprovalBridge(options: {
  /** Values no event may carry (VM_TOKEN, pass-through secrets, git credentials). */
  secrets: readonly string[];
  /** Writes a remembered rule to the workspace's settings (as its user) before the action goes ahead. */
  rememberRule: (where: { userKey: string; cwd: string }, rule: string) => void;
  /** Where users' trees are, and whose they are: the edit's file is read through a checked open. */
  dataDir: string;
  idsOf: (userKey: string) => AgentIds | null;
}) {
  const asks = createPendingAsks<ApprovalVerdict, Asked>({ keepSettledMs: SETTLED_KEPT_MS });

  return {
    /** Emits the request on the run's stream and resolves with the relay's verdict, a timeout or the run's end. */
    async ask(run: Run, ask: ApprovalAsk, timeoutMs: number, untrusted = false): Promise<ApprovalVerdict> {
      if (run.admits("approval_request").kind !== "accept") return { behavior: "deny", message: "The run is ending; not approved." };
      const requestId = `appr_${randomBytes(12).toString("base64url")}`;
      // Asked first: a relay that answers at once finds the request.
      const outcome = asks.ask(run.id, requestId, timeoutMs, { toolName: ask.tool_name, input: ask.input, userKey: run.userKey, cwd: run.cwd, untrusted });
      run.onFinished(() => asks.endRun(run.id));
      const summary = describeToolUse(ask.tool_name, ask.input, run.cwd) ?? undefined;
      const input = boundApprovalInput(ask.input, options.secrets);
      const edit = editOf(ask, run.cwd, { ids: options.idsOf(run.userKey), userRoot: userPathsOfKey(options.dataDir, run.userKey).root }, options.secrets);
      run.feed({ type: "approval_request", requestId, tool: ask.tool_name, input, summary, projectDir: run.cwd, ...(edit ? { edit } : {}) });
      const verdict = verdictOfSettled(await outcome, timeoutMs);
      // The run's list of tool calls says this one did not run (the private page shows it so).
      if (verdict.behavior === "deny" && ask.tool_use_id) run.feed({ type: "tool_not_approved", toolUseId: ask.tool_use_id });
      return verdict;
    },

    /** The relay's answer. A remembered rule must fit the request (core/approvals.ts, ruleFitsRequest); it is written before the allow. */
    answer(runId: string, answer: ApprovalAnswerRequest): ApprovalOutcome {
      const state = asks.state(runId, answer.requestId);
      if (state.kind !== "waiting") return state.kind;
      const verdict = verdictOf(answer, state.context);
      if (verdict === "rule_mismatch") return verdict;
      if (verdict.behavior === "allow" && answer.remember) options.rememberRule(state.context, answer.remember);
      asks.answer(runId, answer.requestId, verdict);
      return "applied";
    },
  };
}

/** Files larger than this are not read for an edit's diff: the prompt goes without it. */
const EDIT_FILE_MAX_BYTES = 1024 * 1024;

/**
 * A file edit's diff for the user to see (core/approval-edit.ts); null for other tools, or a file
 * outside the workspace, or one the VM does not read. The VM (root) never reads it by path: with
 * agents of their own uids it walks from the user's root without following a link and reads only
 * the user's own regular file (files/checked-open.ts), so a FIFO cannot hold the server's one
 * thread and a link swapped in cannot show another user's file; a file behind a link goes without
 * its diff.
 */
function editOf(ask: ApprovalAsk, cwd: string, where: { ids: AgentIds | null; userRoot: string }, secrets: readonly string[]) {
  const paths = editedPaths(ask.tool_name, ask.input);
  if (paths === null) return null;
  try {
    const texts = new Map<string, string | null>();
    for (const path of paths) texts.set(path, readEdited(where, cwd, resolve(cwd, path)));
    return approvalEdit(ask.tool_name, ask.input, (path) => texts.get(path) ?? null, { cwd, secrets });
  } catch {
    // Not read (elsewhere, a link, not a regular file, too large): the prompt goes with its words only.
    return null;
  }
}

/** The file's text (null: it does not exist yet), or a throw when it is not one to show. */
function readEdited(where: { ids: AgentIds | null; userRoot: string }, cwd: string, file: string): string | null {
  if (!isInside(cwd, file)) throw new Error("outside the workspace");
  if (!where.ids) return readOwnText(cwd, file, EDIT_FILE_MAX_BYTES);
  // The user's root is root's own: the walk starts there, at its real path.
  const root = realpathSync(where.userRoot);
  return readUserText(where.ids, root, join(root, relative(where.userRoot, file)), EDIT_FILE_MAX_BYTES);
}

const isInside = (dir: string, file: string): boolean => {
  const inside = relative(dir, file);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
};

/** What the CLI is told: the relay's verdict, or a deny that says why there was none. */
function verdictOfSettled(settled: AskOutcome<ApprovalVerdict>, timeoutMs: number): ApprovalVerdict {
  if (settled.kind === "answer") return settled.value;
  if (settled.kind === "run_over") return { behavior: "deny", message: "The run ended before the user answered; not approved." };
  const minutes = timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} min` : `${Math.round(timeoutMs / 1000)} s`;
  return { behavior: "deny", message: `Not approved in time: the user did not answer within ${minutes}, so this was not done. Ask again if it is still needed.` };
}

/** Every way out but `allow` is a deny; an allow that remembers a rule wider than the request is refused. */
function verdictOf(answer: ApprovalAnswerRequest, asked: Asked): ApprovalVerdict | "rule_mismatch" {
  if (answer.decision === "deny") return { behavior: "deny", message: answer.message ?? "The user declined this from their phone; it was not done." };
  // A run of someone else's text asks every time: nothing it is allowed may be remembered.
  if (answer.remember !== undefined && asked.untrusted) return "rule_mismatch";
  // A mode is a plan's answer only: it would otherwise widen what any other request lets through.
  if (answer.mode !== undefined && asked.toolName !== EXIT_PLAN_TOOL) return "rule_mismatch";
  const rule = answer.remember === undefined ? undefined : parsePermissionRule(answer.remember);
  if (rule === null || (rule && !ruleFitsRequest(rule, asked.toolName, asked.input))) return "rule_mismatch";
  return { behavior: "allow", ...(rule ? { rule } : {}), ...(answer.mode ? { mode: answer.mode } : {}) };
}

export type ApprovalBridge = ReturnType<typeof createApprovalBridge>;
