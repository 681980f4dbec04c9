// The functional core of a run: which user turns were written to the CLI, which it consumed,
// which a result answered, its phase (run-phase.ts), and so which protocol events to emit. No
// I/O, no clock.
import type { ConfigProblemReason } from "../../../src/protocol/vm/health";
import type { RunChange } from "../../../src/protocol/vm/changes";
import type { ApprovalEdit } from "../../../src/protocol/vm/approvals";
import type { RunErrorCode, RunToolCalls, VmRunEvent } from "../../../src/protocol/vm/runs";
import type { CliSignal } from "./cli-signals";
import { describeToolUse } from "./progress-line";
import { nextPhase, type RunPhase } from "./run-phase";
import { noToolCalls, summarizeToolCall, withToolCall } from "./tool-calls";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the run's log numbers it. */
export type EventBody = DistributiveOmit<VmRunEvent, "seq">;

/** `fromStart`: written from the run's own request (`POST /v1/runs`), not from `…/input`. */
export type Turn = { uuid: string; messageIds: string[]; consumed: boolean; answered: boolean; fromStart: boolean };

export type RunState = {
  turns: Turn[];
  reportedSessionId: string | null;
  phase: RunPhase;
  /** In `ending`: the terminal event (and what follows it), out once the run's change is known. */
  held: EventBody[];
  cwd: string;
  /** The CLI's tool calls so far, summarized (tool-calls.ts): the terminal event carries them. */
  toolCalls: RunToolCalls;
  /** The tool_use id of each kept call, in the same order (null: the CLI gave none). */
  toolCallIds: (string | null)[];
  /** Tool uses the permission prompt refused; one may be refused before its tool_use line is read. */
  notApproved: string[];
  /** Values no tool call may carry (the VM's secrets). */
  secrets: readonly string[];
  /**
   * The limit the model refused for, as the CLI reported it (its `rate_limit_event`) or the
   * credential proxy read it from the 429's headers: the error that ends the turn carries it.
   */
  modelLimit: { resetsAt: number | null; limit: string | null } | null;
  /** The VM holds the project's offline model: its results cost nothing and say so. */
  offlineModel: boolean;
};

export type RunInput =
  | CliSignal
  /** `fromStart`: one of the turns of the run's own request (a leading slash command goes alone). */
  | { type: "written"; uuid: string; messageIds: string[]; fromStart?: boolean }
  /** The agent called a relay tool: the relay answers it through `tool-result`. */
  | { type: "tool_call"; callId: string; name: string; args: Record<string, unknown> }
  /** The agent asks before it acts: the relay answers through `approval`. */
  | { type: "approval_request"; requestId: string; tool: string; input: Record<string, unknown>; summary?: string; projectDir?: string; edit?: ApprovalEdit }
  /** The permission prompt refused tool use `toolUseId`: it did not run. */
  | { type: "tool_not_approved"; toolUseId: string }
  /**
   * The CLI process ended; `stopCode` says why when the VM stopped it, or `misconfigured` (with
   * its `reason`) when it could not run at all.
   */
  | { type: "exited"; stopCode: RunErrorCode | null; message: string; reason?: ConfigProblemReason }
  /** The checkpoint before the run is recorded (or given up on): the model's answers may reach it. */
  | { type: "checkpointed" }
  /** In `ending`: what the run changed is known (null: nothing, or not recorded); the terminal event goes out with it. */
  | { type: "ended"; change: RunChange | null };

/** `stop`: the run is over but its CLI is still alive and must be stopped. */
export type Step = { state: RunState; events: EventBody[]; stop: RunErrorCode | null };

export function newRunState(cwd: string, knownSessionId: string | null = null, secrets: readonly string[] = [], offlineModel = false): RunState {
  return { turns: [], reportedSessionId: knownSessionId, phase: "starting", held: [], cwd, toolCalls: noToolCalls(), toolCallIds: [], notApproved: [], secrets, modelLimit: null, offlineModel };
}

/** A terminal event's `toolCalls`: present when the run made any. */
const toolCallsOf = (state: RunState): { toolCalls?: RunToolCalls } => (state.toolCalls.calls.length > 0 ? { toolCalls: state.toolCalls } : {});

/**
 * Ends the run with an error. Input the CLI never read is reported `unconsumed` first, except
 * the run's own request (its first turn, and a second one when it led with a slash command):
 * the terminal error is about that one, and the relay retries it as such.
 */
function fail(state: RunState, code: RunErrorCode, message: string, reason?: ConfigProblemReason, limit?: RunState["modelLimit"]): { state: RunState; events: EventBody[] } {
  const unread = state.turns.slice(1).filter((t) => !t.consumed && !t.fromStart);
  const events: EventBody[] = [];
  if (unread.length > 0) events.push({ type: "unconsumed", messageIds: unread.flatMap((t) => t.messageIds) });
  const lifts = { ...(limit?.resetsAt ? { resetsAt: limit.resetsAt } : {}), ...(limit?.limit ? { limit: limit.limit } : {}) };
  events.push({ type: "error", code, message: message.slice(0, 2000), ...(reason ? { reason } : {}), ...lifts, ...toolCallsOf(state) });
  return conclude(state, events);
}

/**
 * The run is over (answered, or failed): it enters `ending`. Its events before the terminal one go
 * out now; the terminal one, and the last answer before it, are held until the run's change is
 * known (`ended`). So the user never holds the run's last reply while its change is still being
 * recorded: an /undo sent on it finds the run finished, and the reply and its change line go together.
 */
function conclude(state: RunState, events: EventBody[]): { state: RunState; events: EventBody[] } {
  const end = events.findIndex((body) => body.type === "done" || body.type === "error");
  if (end < 0) return { state, events };
  const lastAnswer = events[end - 1]?.type === "result" ? end - 1 : end;
  return { state: { ...state, phase: nextPhase(state.phase, { type: "concluded" }), held: events.slice(lastAnswer) }, events: events.slice(0, lastAnswer) };
}

/** The held terminal event, carrying the run's change when it made one. */
function release(state: RunState, change: RunChange | null): Step {
  const events = state.held.map((body) => (change && (body.type === "done" || body.type === "error") ? { ...body, change } : body));
  return { state: { ...state, phase: nextPhase(state.phase, { type: "ended" }), held: [] }, events, stop: null };
}

function markConsumed(state: RunState, uuids: string[]): RunState {
  if (!state.turns.some((t) => uuids.includes(t.uuid) && !t.consumed)) return state;
  return { ...state, turns: state.turns.map((t) => (uuids.includes(t.uuid) ? { ...t, consumed: true } : t)) };
}

function answer(state: RunState, signal: Extract<CliSignal, { type: "result" }>): Step {
  if (signal.unknownSession) return { ...fail(state, "unknown_session", signal.text), stop: "unknown_session" };
  if (signal.authFailure) return { ...fail(state, "auth_failed", signal.text, signal.authFailure), stop: "auth_failed" };
  // The model gave no answer: the turn is not answered with the CLI's error text, the relay waits
  // it out and sends it again (a limit until it lifts, an outage with backoff).
  if (signal.modelFailure === "limit") return { ...fail(state, "model_limit", signal.text, undefined, state.modelLimit), stop: "model_limit" };
  if (signal.modelFailure === "unavailable") return { ...fail(state, "model_unavailable", signal.text), stop: "model_unavailable" };
  // The conversation's model is refused: the relay says so once and runs again with the default.
  if (signal.modelFailure === "not_found") return { ...fail(state, "model_not_found", signal.text), stop: "model_not_found" };
  // A result answers every turn consumed since the last one (the CLI merges queued input into
  // one turn). A CLI that never says what it consumed is taken to answer the oldest turn.
  let answered = state.turns.filter((t) => t.consumed && !t.answered);
  if (answered.length === 0) answered = state.turns.filter((t) => !t.answered).slice(0, 1);
  const turns = state.turns.map((t) => (answered.includes(t) ? { ...t, consumed: true, answered: true } : t));
  const events: EventBody[] = [];
  if (signal.sessionId !== state.reportedSessionId) events.push({ type: "session", sessionId: signal.sessionId });
  events.push({
    type: "result",
    messageIds: answered.flatMap((t) => t.messageIds),
    text: signal.text,
    isError: signal.isError,
    subtype: signal.subtype,
    // The CLI prices the offline model's canned tokens as the real model's: they cost nothing.
    ...(state.offlineModel ? { costUsd: 0, offlineModel: true } : { costUsd: signal.costUsd, ...(signal.costByModel && Object.keys(signal.costByModel).length > 0 ? { costByModel: signal.costByModel } : {}) }),
    numTurns: signal.numTurns,
    durationMs: signal.durationMs,
    sessionId: signal.sessionId,
  });
  if (turns.every((t) => t.answered)) events.push({ type: "done", ...toolCallsOf(state) });
  return { ...conclude({ ...state, turns, reportedSessionId: signal.sessionId }, events), stop: null };
}

export function stepRun(state: RunState, input: RunInput): Step {
  if (input.type === "checkpointed") return { state: { ...state, phase: nextPhase(state.phase, input) }, events: [], stop: null };
  if (input.type === "ended") return state.phase === "ending" ? release(state, input.change) : { state, events: [], stop: null };
  // Over: nothing the CLI or the relay says changes it any more.
  if (state.phase === "ending" || state.phase === "finished") return { state, events: [], stop: null };
  switch (input.type) {
    case "written": {
      const turn = { uuid: input.uuid, messageIds: input.messageIds, consumed: false, answered: false, fromStart: input.fromStart ?? false };
      return { state: { ...state, turns: [...state.turns, turn] }, events: [], stop: null };
    }
    case "consumed":
      return { state: markConsumed(state, [input.uuid]), events: [], stop: null };
    case "init": {
      const next = markConsumed({ ...state, reportedSessionId: input.sessionId }, input.consumedUuids);
      const events: EventBody[] = input.sessionId === state.reportedSessionId ? [] : [{ type: "session", sessionId: input.sessionId }];
      return { state: next, events, stop: null };
    }
    case "tool_use": {
      const text = describeToolUse(input.name, input.input, state.cwd);
      const call = summarizeToolCall(input.name, input.input, state.cwd, state.secrets);
      const refused = input.id !== null && state.notApproved.includes(input.id);
      const toolCalls = withToolCall(state.toolCalls, refused ? { ...call, notApproved: true } : call);
      const toolCallIds = toolCalls.calls.length > state.toolCalls.calls.length ? [...state.toolCallIds, input.id] : state.toolCallIds;
      return { state: { ...state, toolCalls, toolCallIds }, events: text ? [{ type: "progress", text }] : [], stop: null };
    }
    case "tool_not_approved": {
      const at = state.toolCallIds.indexOf(input.toolUseId);
      if (at === -1) return { state: { ...state, notApproved: [...state.notApproved, input.toolUseId] }, events: [], stop: null };
      const calls = state.toolCalls.calls.map((c, i) => (i === at ? { ...c, notApproved: true as const } : c));
      return { state: { ...state, toolCalls: { ...state.toolCalls, calls } }, events: [], stop: null };
    }
    case "tool_call":
      return { state, events: [{ type: "tool_call", callId: input.callId, name: input.name, args: input.args }], stop: null };
    case "approval_request": {
      const { type, requestId, tool, input: toolInput, summary, projectDir, edit } = input;
      return { state, events: [{ type, requestId, tool, input: toolInput, ...(summary ? { summary } : {}), ...(projectDir ? { projectDir } : {}), ...(edit ? { edit } : {}) }], stop: null };
    }
    case "auth_failed":
      return { ...fail(state, "auth_failed", input.message, input.reason), stop: "auth_failed" };
    case "model_limit": {
      // Two reports of one refusal: the proxy's (from the answer's headers) and the CLI's own
      // (its rate_limit_event, for a subscription). What one leaves unknown, the other may know.
      const known = state.modelLimit;
      const modelLimit = { resetsAt: input.resetsAt ?? known?.resetsAt ?? null, limit: input.limit ?? known?.limit ?? null };
      return { state: { ...state, modelLimit }, events: [], stop: null };
    }
    case "result":
      return answer(state, input);
    case "exited":
      return { ...fail(state, input.stopCode ?? "cli_crashed", input.message, input.reason), stop: null };
  }
}
