// What a run needs of the capabilities above runs/ (conversations/, approvals/, changes/,
// handoff/, web/), declared here in the runs' own words and joined in agent/compose-units.ts, which
// hands each capability's unit in: runs/ imports nothing above it. Each port is what a run reads
// of that capability, or tells it happened (an approval asked, a VM run over, a change made, a
// session kept), called where run-effects.ts carries out run-lifecycle.ts's decision, in order and
// inside the event's transaction as before.
import type { ApprovalRequestEvent, ApprovalsOption } from "../protocol/vm/approvals";
import type { RunChange } from "../protocol/vm/changes";
import type { Effort } from "../protocol/vm/runs";
import type { UserWait } from "./progress-update";
import type { VmAnswer } from "./vm-answers-repo";

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
    /** Back to the default model, once the one named was refused. */
    setModel(id: number, model: string | null): void;
  };
  /** `[api] ` for a reply of a conversation not current, or of any while more than one run is live. */
  prefixFor(conversationId: number, liveRuns?: number): string;
  /** A run kept its agent session: the conversation resumes it next. */
  recordSession(id: number, sessionId: string | null): void;
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
  /** An approval_request event applied (inside its transaction): asked once. */
  request(run: ApprovalRun, event: ApprovalRequestEvent, now: number, spoken?: boolean): void;
  /** Before the event's transaction: a request too long for one message gets its page's link. */
  prepare?(run: ApprovalRun, event: ApprovalRequestEvent): Promise<void>;
  /** A VM run is over: its open prompts close. */
  vmRunOver(vmRunId: string, now: number): void;
  /** Decisions the VM run no longer waited for: told too late. */
  heardLate(late: readonly VmAnswer[], now: number): void;
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
  /** A run ended with a change: recorded (the line after the reply, /diff, /undo). */
  record(run: { id: string; vmRunId: string; conversationId: number }, change: RunChange, now: number): void;
  /** The agent answered a turn that carried the note of an undo. */
  told(conversationId: number): void;
  /** The note for a conversation's next run, when the user undid a change the agent was not told of. */
  noteFor(conversationId: number): string | null;
};

/** /handoff: the conversations on the laptop, whose messages wait (handoff/handoffs-repo.ts). */
export type AwayConversations = { awayConversations(): ReadonlySet<number> };

/** The pages watching a run live (web/live-pages.ts): a run ended at the relay shows its end. */
export type StoppedRunPages = { publish(conversationId: number, runId: string, body: { kind: "failed"; text: string }, at: number): unknown };
