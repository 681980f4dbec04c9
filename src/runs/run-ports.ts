// What a run asks of the capabilities above runs/ (conversations/, approvals/, changes/,
// handoff/, web/), declared here in the runs' own words and joined in agent/compose-units.ts, which
// hands each capability's unit in: runs/ imports nothing above it. Each port is a question (a
// conversation, its prefix, an approval option, the waits, the undo's note, the away
// conversations) or a step the run waits on (approvals' prepare, before the event's transaction).
// What happened in a run is not a port: runs/ tells it to one sink (run-happenings.ts).
import type { ApprovalRequestEvent, ApprovalsOption } from "../protocol/vm/approvals";
import type { Effort } from "../protocol/vm/runs";
import type { UserWait } from "./progress-update";

/** A conversation as a run reads it (conversations/conversations-repo.ts holds the row). */
export type RunConversation = {
  id: number;
  name: string;
  /** The VM's id for its project directory. */
  workspace: string;
  /** The agent session it resumes next (null: a fresh one). */
  sessionId: string | null;
  status: "ready" | "cloning";
  model: string | null;
  effort: Effort | null;
  planMode: boolean;
  planNext: boolean;
};

/** The conversations a run belongs to (conversations/conversations-unit.ts). */
export type RunConversations = {
  repo: {
    get(id: number): RunConversation | null;
    nameOf(id: number): string | null;
  };
  /** `[api] ` for a reply of a conversation not current, or of any while more than one run is live. */
  prefixFor(conversationId: number, liveRuns?: number): string;
  /** Deep mode renewed by a run: how long the VM keeps its process warm; undefined when not in deep mode. */
  keepWarmFor(id: number, now: number): number | undefined;
};

/** The conversation an event names, and why its run cannot start there (conversations/conversations-unit.ts). */
export type EventRunConversations = {
  repo: { get(id: number): RunConversation | null; byName(name: string): RunConversation | null };
  /** Why text cannot go to `target` (`named` by the event): none by that name, or its clone not done. */
  cannotTake(target: RunConversation | null, named: string): string;
};

/** The run's identity an approval is asked in. */
export type ApprovalRun = { id: string; vmRunId: string; conversationId: number };

/** The agent's questions before it acts (approvals/approvals-unit.ts). */
export type RunApprovals = {
  /**
   * Before the event's transaction: a request too long for one message gets its page's link. A
   * step the stream's read awaits (an RPC), not a happening: the sink is synchronous, and the
   * link must be there before approval_asked is applied.
   */
  prepare?(run: ApprovalRun, event: ApprovalRequestEvent): Promise<void>;
  /** The line a task's result ends with: what the run was refused. */
  refusedLine(runId: string): string;
  /** The approvals a VM run starts with, and with /plan. */
  runOption(conversationId: number, runId: string): ApprovalsOption | undefined;
  planRunOption(conversationId: number, runId: string): ApprovalsOption;
  hasPending(): boolean;
  /** The run's waits for the user's answers (not the agent's work: no typing, no update's time). */
  waitsOf(runId: string): UserWait[];
};

/** What runs changed in their workspace (changes/run-changes.ts). */
export type RunChanges = {
  /** The note for a conversation's next run, when the user undid a change the agent was not told of. */
  noteFor(conversationId: number): string | null;
};

/** /handoff: the conversations on the laptop, whose messages wait (handoff/handoffs-repo.ts). */
export type AwayConversations = { awayConversations(): ReadonlySet<number> };
