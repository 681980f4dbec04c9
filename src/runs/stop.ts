// Stopping, written once: /stop (the current conversation's run), /stop <name> (that one's),
// /stop all (every live run) and an admin's /deny (everything) drop what is pending through the
// messages service, deny the approval prompts of the runs they end, and end those runs at once at
// the relay, whatever their phase, so nothing of them is answered later. Rows only, inside the
// caller's transaction; the VM runs to cancel are returned for after it.
import type { Named } from "../messages/message-lifecycle";
import type { RunFailure } from "../messages/run-failure";
import type { Run, RunsRepo } from "./runs-repo";
import type { MessagesRepo } from "../messages/messages-repo";
import type { Messages } from "../messages/messages";
import type { RunHappened } from "./run-happenings";

export type StopDeps = {
  runs: Pick<RunsRepo, "openAll">;
  lifecycle: Pick<Messages, "stop" | "deny">;
  messages: Pick<MessagesRepo, "queuedByConversation">;
  /** Denies the open approval prompts of these runs (all of them: null); returns how many. */
  stopApprovals: (now: number, runIds: readonly string[] | null) => number;
  /** Ends a run as a failure would (run-effects' path), here with the VM's own `cancelled`. */
  failRun: (runId: string, failure: RunFailure, now: number) => void;
  /** Told each run ended here (the pages watching it show its end: its stream is no longer read); absent where nothing acts on it. */
  happened?: RunHappened;
};

/** What one conversation's stop did: its run (if one was live) and what it dropped. */
export type StoppedIn = { conversationId: number; stoppedRun: boolean; dropped: Named[] };

export type Stopped = {
  /** Each conversation stopped, in order (the one named or current first). */
  conversations: StoppedIn[];
  stoppedRun: boolean;
  dropped: Named[];
  deniedApprovals: number;
  cancelVmRunIds: string[];
};

/**
 * `shownAs`: what the pages watching each ended run show (the page's own stop says so).
 * `scope`: one conversation (its runs; with `orTheOnly`, plain /stop, the one live run when the
 * conversation has none), every live run and what waits (`every`: /stop all), or everything (`all`: /deny).
 */
export function stopWork(d: StopDeps, scope: { conversationId: number; orTheOnly?: boolean } | "every" | "all", now: number, shownAs = "The run was stopped."): Stopped {
  const open = d.runs.openAll();
  const ofConversation = (id: number) => open.filter((r) => r.conversationId === id);
  let ending: Run[];
  let conversations: number[];
  if (scope === "all" || scope === "every") {
    ending = open;
    // What waits for a run to end (past MAX_PARALLEL_RUNS) is dropped with them.
    conversations = [...new Set([...open.map((r) => r.conversationId), ...d.messages.queuedByConversation().keys()])];
  } else {
    // Plain /stop with one run live elsewhere stops that one, as it did when one run went at a time.
    const only = scope.orTheOnly && ofConversation(scope.conversationId).length === 0 && open.length === 1 ? open[0]! : null;
    const id = only ? only.conversationId : scope.conversationId;
    ending = ofConversation(id);
    conversations = [id];
  }
  // Dropped first: a run's end then finds nothing of its own left to carry or to name.
  const stopped: StoppedIn[] =
    scope === "all"
      ? [{ conversationId: ending[0]?.conversationId ?? 0, stoppedRun: ending.length > 0, dropped: d.lifecycle.deny(now) }]
      : conversations.map((id) => ({ conversationId: id, stoppedRun: ending.some((r) => r.conversationId === id), dropped: d.lifecycle.stop(id, now) }));
  const deniedApprovals = d.stopApprovals(now, scope === "all" ? null : ending.map((r) => r.id));
  for (const run of ending) {
    d.failRun(run.id, { kind: "vm", code: "cancelled" }, now);
    d.happened?.({ kind: "run_stopped", conversationId: run.conversationId, runId: run.id, text: shownAs, at: now });
  }
  return {
    conversations: stopped,
    stoppedRun: ending.length > 0,
    dropped: stopped.flatMap((s) => s.dropped),
    deniedApprovals,
    cancelVmRunIds: ending.map((r) => r.vmRunId),
  };
}
