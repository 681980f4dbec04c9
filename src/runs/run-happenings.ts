// What happened in a run that a capability above runs/ acts on, said in the runs' own words: a
// session kept, an approval asked, a change made, a VM run over, a run started, ended, or stopped
// at the relay. runs/ calls one sink, `happened`, where each happens (run-effects.ts as it carries out
// run-lifecycle.ts's decision, run-open.ts, run-stream.ts, stop.ts): synchronously, in order, and
// inside the transaction it happens in. Each capability declares its handler of the kinds it cares
// about in its own folder; agent/run-happenings.ts joins them. What a run asks of those
// capabilities (a conversation, an approval option, the undo's note) stays a port (run-ports.ts).
import type { ApprovalRequestEvent } from "../protocol/vm/approvals";
import type { RunChange } from "../protocol/vm/changes";
import type { VmRunEvent } from "../protocol/vm/runs";
import type { ApprovalRun } from "./run-ports";
import type { Run } from "./run-lifecycle";
import type { VmAnswer } from "./vm-answers-repo";

export type RunHappening =
  /** The VM has the run, started (not reconnected): the pages open on its conversation show it from here. */
  | { kind: "run_started"; run: Run; at: number }
  /** A step of the runs unit ended a run (its terminal event applied); inside its own transaction. */
  | { kind: "run_ended"; at: number }
  /** One step of a run's stream applied (its last answer and its end go together). */
  | { kind: "run_events_applied"; run: Run; events: readonly VmRunEvent[]; at: number }
  /** A run kept its agent session: the conversation resumes it next. */
  | { kind: "session_kept"; conversationId: number; sessionId: string | null }
  /** The agent asked before it acted (an approval_request applied): asked once. */
  | { kind: "approval_asked"; run: ApprovalRun; event: ApprovalRequestEvent; now: number; spoken: boolean }
  /** A run ended with a change in its workspace. */
  | { kind: "change_made"; run: { id: string; vmRunId: string; conversationId: number }; change: RunChange; now: number }
  /** A VM run is over: what it still waited for is closed. */
  | { kind: "vm_run_over"; vmRunId: string; now: number }
  /** The conversation's model was refused: it goes back to the default, for good. */
  | { kind: "model_refused"; conversationId: number }
  /** The agent answered a turn that carried the note of an undo. */
  | { kind: "undo_note_told"; conversationId: number }
  /** Decisions a VM run no longer waited for, found as its answers were delivered. */
  | { kind: "decisions_late"; late: readonly VmAnswer[]; now: number }
  /** A run ended at the relay (/stop, /deny, the page's stop), whose stream is no longer read. */
  | { kind: "run_stopped"; conversationId: number; runId: string; text: string; at: number };

export type RunHappeningKind = RunHappening["kind"];

/** The one sink runs/ tells what happened; synchronous: it awaits nothing and adds no step. */
export type RunHappened = (happening: RunHappening) => void;

/** What one capability does on the happenings it cares about, by kind (the others are not its). */
export type RunHappeningHandler = { readonly [K in RunHappeningKind]?: (happening: Extract<RunHappening, { kind: K }>) => void };
