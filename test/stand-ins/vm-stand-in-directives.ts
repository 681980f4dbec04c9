// The agent VM stand-in's scripted behaviour: the `[[vm:…]]` directives a message's text carries,
// read into what its run does (vm-stand-in.ts carries it out), and the requests the real VM would
// make for them (a tool's call, an edit's approval).
import { type ConfigProblemReason, ConfigProblemReasonSchema } from "../../src/protocol/vm/health";
import { noToolCalls, summarizeToolCall, withToolCall } from "../../vm/src/core/tool-calls";
import { hunkHeader } from "../../vm/src/core/unified-diff";
import { STAND_IN_PNG, STAND_IN_SECRET } from "./vm-stand-in-types";

/**
 * [[vm:hold]]              the run waits until POST /__stand-in/release {userId}
 * [[vm:crash]]             the run ends with error cli_crashed before any result
 * [[vm:offline-model]]     the results cost 0 and carry offlineModel, as a VM holding the offline model's key reports them
 * [[vm:error CODE]]        the run ends with error CODE before any result
 * [[vm:http500 K]]         the first K POST /v1/runs carrying this message answer 500
 * [[vm:unknown-session]]   a run that resumes a session ends with error unknown_session
 * [[vm:long N]]            the reply is N characters in paragraphs
 * [[vm:drop]]              the first stream is cut after the session event; the run goes on
 * [[vm:crash-after-reply]] one result, then error cli_crashed
 * [[vm:slow-end MS]]      the run's end (done) comes MS after its last result, as two lines a network
 *                          delivered apart (the real VM writes them together)
 * [[vm:api-error]]        the turn's result is an error, as the CLI's for an API error waiting does not mend (a 400)
 * [[vm:model-limit S]]     a run carrying this message, before S seconds have passed since the first did, ends
 *                          with error model_limit (resetsAt: then, limit five_hour), as the VM reports a
 *                          subscription's usage limit; after it the message is answered
 * [[vm:model-down N]]      the first N runs carrying this message end with error model_unavailable
 * [[vm:restart-at-input]]  one result, then the run stays live until a further turn is injected
 *                          (POST …/input), and ends with error vm_restarted before answering it
 * [[vm:tool NAME {json}]]  calls a relay tool, waits for its tool-result, replies with it
 * [[vm:progress N MS]]    N progress lines, one every MS ("Running: step 1", "Editing src/file2.ts", …), then the reply
 * [[vm:progress-stamped N MS]] the same, each line "Running: step I at <epoch ms it was sent>" (the live page's bench)
 * [[vm:send-file NAME]]    calls send_file as the VM would after staging: a 1x1 PNG named NAME, served on
 *                          GET /v1/runs/:id/files/:fileId (recorded as "file"); replies with the tool's answer
 * [[vm:slow-start MS]]     POST /v1/runs answers only after MS (a Machine starting from cold)
 * [[vm:approval TOOL ARG]] (several: asked at once, the reply joins their outcomes with " | ")
 *                          emits approval_request {tool: TOOL, input: {command: ARG} for Bash,
 *                          {file_path: ARG} otherwise; projectDir: standInProjectDir), waits for POST …/approval (or the run's
 *                          approvals.timeoutMs, default 600000: a deny), replies "approved: TOOL ARG"
 *                          (", remembered RULE" with remember) or "denied: MESSAGE"; a second answer
 *                          is 409 approval_settled, an unknown requestId 404 unknown_approval.
 *                          A run started without options.approvals asks nothing, as the real VM:
 *                          it replies "done without asking: TOOL ARG"
 * [[vm:plan TEXT]]         as the CLI in plan mode presenting its plan: emits approval_request {tool: ExitPlanMode,
 *                          input: {plan: TEXT}}, waits as [[vm:approval]] does, replies "plan approved, mode M"
 *                          (M: the answer's mode, or "none") or "denied: MESSAGE"
 * [[vm:model-cost MODEL USD]] (several) the result's cost is their sum, carried by model as costByModel,
 *                          as the real VM reports the CLI's model_usage_since_last_result
 * [[vm:approval-edit TOOL PATH N]] the same for a file edit (Write, Edit) of PATH in the project, carrying
 *                          its `edit` as the real VM computes it: a Write of N new lines ("line 1"…),
 *                          an Edit of one line into N
 * [[vm:tool-calls N]]      the run's done event carries N tool calls (Bash `npm test -- --step I`), as the
 *                          real VM records them; [[vm:tool-input TEXT]] adds one more with that command
 *                          (STAND_IN_SECRET in it is redacted, as the VM redacts its secrets)
 * [[vm:change PATH +A -D]] the run's done event carries a `change` with that file (one per file; a
 *                          status word after -D: added, deleted); see vm-stand-in-changes.ts, which
 *                          also answers POST /v1/workspaces/:ws/undo|redo and POST /v1/render/diff;
 *                          vm-stand-in-ship.ts answers /ship's POST /v1/workspaces/:ws/ship(/preview) from them
 *                          and POST /v1/workspaces/:ws/pull-request-review (a line past 10000: outside the diff)
 * [[vm:misconfigured]]     the run ends at once with error misconfigured, reason root_without_sandbox
 *                          (no session event: the CLI never started); [[vm:misconfigured REASON]]
 *                          for another ConfigProblemReason
 */
export type Directive = {
  hold: boolean;
  crash: boolean;
  error: string | null;
  http500: number;
  unknownSession: boolean;
  long: number;
  drop: boolean;
  crashAfterReply: boolean;
  /** `[[vm:slow-end MS]]`: how long the run's end trails its last result. */
  slowEndMs: number;
  apiError: boolean;
  restartAtInput: boolean;
  tool: { name: string; args: Record<string, unknown> } | null;
  /** Every `[[vm:approval …]]` of the turn: asked at once, as parallel tool calls are. */
  approvals: { tool: string; arg: string; editLines?: number }[];
  /** `[[vm:plan TEXT]]`: the plan the run presents (asked as the CLI's ExitPlanMode); null: none. */
  plan: string | null;
  /** `[[vm:model-cost MODEL USD]]`: the result's cost by model (null: the default 0.001, no split). */
  costByModel: Record<string, number> | null;
  /** `[[vm:progress N MS]]`: N progress lines ("Running: step i"), one every MS, before the reply. */
  progress: { count: number; everyMs: number; stamped?: boolean } | null;
  slowStartMs: number;
  misconfigured: ConfigProblemReason | null;
  modelLimitS: number | null;
  modelDown: number;
  /** `[[vm:offline-model]]`: results as a VM holding the offline model reports them (free, marked). */
  offlineModel: boolean;
};

export function directivesOf(texts: string[]): Directive {
  const all = texts.join("\n");
  const num = (re: RegExp) => Number(re.exec(all)?.[1] ?? 0);
  return {
    hold: all.includes("[[vm:hold]]"),
    crash: all.includes("[[vm:crash]]"),
    error: /\[\[vm:error (\w+)\]\]/.exec(all)?.[1] ?? null,
    http500: num(/\[\[vm:http500 (\d+)\]\]/),
    unknownSession: all.includes("[[vm:unknown-session]]"),
    long: num(/\[\[vm:long (\d+)\]\]/),
    drop: all.includes("[[vm:drop]]"),
    crashAfterReply: all.includes("[[vm:crash-after-reply]]"),
    slowEndMs: num(/\[\[vm:slow-end (\d+)\]\]/),
    apiError: all.includes("[[vm:api-error]]"),
    restartAtInput: all.includes("[[vm:restart-at-input]]"),
    tool: toolOf(all),
    approvals: approvalsOf(all),
    plan: /\[\[vm:plan ([^\]]+)\]\]/.exec(all)?.[1] ?? null,
    costByModel: costByModelOf(all),
    slowStartMs: num(/\[\[vm:slow-start (\d+)\]\]/),
    progress: ((m) => (m ? { count: Number(m[2]), everyMs: Number(m[3]), stamped: m[1] !== undefined } : null))(/\[\[vm:progress(-stamped)? (\d+) (\d+)\]\]/.exec(all)),
    misconfigured: misconfiguredOf(all),
    modelLimitS: ((m) => (m ? Number(m[1]) : null))(/\[\[vm:model-limit (\d+)\]\]/.exec(all)),
    modelDown: num(/\[\[vm:model-down (\d+)\]\]/),
    offlineModel: all.includes("[[vm:offline-model]]"),
  };
}

function costByModelOf(text: string): Record<string, number> | null {
  const matches = [...text.matchAll(/\[\[vm:model-cost (\S+) (\d+(?:\.\d+)?)\]\]/g)];
  return matches.length === 0 ? null : Object.fromEntries(matches.map((m) => [m[1]!, Number(m[2])]));
}

function misconfiguredOf(text: string): ConfigProblemReason | null {
  const match = /\[\[vm:misconfigured(?: (\w+))?\]\]/.exec(text);
  if (!match) return null;
  return match[1] ? ConfigProblemReasonSchema.parse(match[1]) : "root_without_sandbox";
}

/** What the real VM says for a root refusal; a short placeholder for the other reasons. */
export function misconfiguredMessage(reason: ConfigProblemReason): string {
  return reason === "root_without_sandbox"
    ? "the Claude Code CLI refuses bypassPermissions because the VM runs as root without IS_SANDBOX=1 (it said: --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons)"
    : `scripted misconfiguration: ${reason}`;
}

/**
 * `[[vm:tool-calls N]]`: the run's tool calls as the real VM records them (its summarizer and cap):
 * N Bash calls `npm test -- --step I`, then the message's `[[vm:tool-input TEXT]]` as one more,
 * then its `[[vm:tool-refused TEXT]]` as one the permission prompt refused (marked as the VM marks it).
 */
export function toolCallsOf(text: string) {
  const count = Number(/\[\[vm:tool-calls (\d+)\]\]/.exec(text)?.[1] ?? 0);
  if (count === 0) return null;
  const extra = /\[\[vm:tool-input ([^\]]+)\]\]/.exec(text)?.[1];
  const refused = /\[\[vm:tool-refused ([^\]]+)\]\]/.exec(text)?.[1];
  const inputs = [...Array.from({ length: count }, (_, i) => `npm test -- --step ${i + 1}`), ...(extra ? [extra] : [])];
  const calls = inputs.reduce((list, command) => withToolCall(list, summarizeToolCall("Bash", { command }, "/", [STAND_IN_SECRET])), noToolCalls());
  return refused ? withToolCall(calls, { ...summarizeToolCall("Bash", { command: refused }, "/", [STAND_IN_SECRET]), notApproved: true }) : calls;
}

function toolOf(text: string): Directive["tool"] {
  const file = /\[\[vm:send-file ([\w.-]+)\]\]/.exec(text);
  if (file) return { name: "send_file", args: { fileId: `file-${file[1]!.replace(/\W/g, "")}`, name: file[1]!, contentType: "image/png", size: STAND_IN_PNG.byteLength } };
  const match = /\[\[vm:tool (\w+) (\{.*?\})\]\]/.exec(text);
  return match ? { name: match[1]!, args: JSON.parse(match[2]!) as Record<string, unknown> } : null;
}

/**
 * A run's working directory as the VM lays it out (`users/<key>/workspace` for main,
 * `users/<key>/workspaces/<id>` otherwise), the key standing in for the user's hash.
 */
export function standInProjectDir(userId: string, workspace: string): string {
  const key = userId.replace(/\W/g, "");
  return workspace === "main" ? `/data/users/${key}/workspace` : `/data/users/${key}/workspaces/${workspace}`;
}

function approvalsOf(text: string): Directive["approvals"] {
  return [...text.matchAll(/\[\[vm:approval(-edit)? (\S+) ([^\]]+?)(?: (\d+))?\]\]/g)].map((match) =>
    match[1] ? { tool: match[2]!, arg: match[3]!, editLines: Number(match[4] ?? 1) } : { tool: match[2]!, arg: match[3]! + (match[4] ? ` ${match[4]}` : "") },
  );
}

/** An `[[vm:approval-edit]]` request's input and edit, as the real VM sends a Write's or an Edit's. */
export function editRequest(tool: string, path: string, lines: number, projectDir: string) {
  const added = Array.from({ length: lines }, (_, i) => `line ${i + 1}`);
  const file_path = `${projectDir}/${path}`;
  if (tool === "Write") {
    const diff = `--- /dev/null\n+++ b/${path}\n${hunkHeader(0, 0, 1, lines)}\n${added.map((l) => `+${l}`).join("\n")}\n`;
    return { input: { file_path, content: `${added.join("\n")}\n` }, edit: { path, diff, added: lines, removed: 0, cut: false } };
  }
  const diff = `--- a/${path}\n+++ b/${path}\n${hunkHeader(1, 2, 1, lines + 1)}\n const a = 1;\n-old line\n${added.map((l) => `+${l}`).join("\n")}\n`;
  return { input: { file_path, old_string: "old line", new_string: added.join("\n") }, edit: { path, diff, added: lines, removed: 1, cut: false } };
}
