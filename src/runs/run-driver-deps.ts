// What the runs unit (run-driver.ts) needs of the object: what starts a batch (run-batches.ts),
// what a VM run is given (run-input.ts), and the rest here. Its own file so that the parts of the
// unit (run-open.ts, run-stream.ts, run-vm-probes.ts) read it without importing the unit.
import type { ProgressPacing } from "./progress-update";
import type { RunEffectsDeps } from "./run-effects";
import type { RunApprovals, RunConversations } from "./run-ports";
import type { VmAnswers } from "./vm-answers";
import type { VmClient } from "../machines/vm-client";
import type { Clock } from "../shared/clock";
import type { RunBatchesDeps } from "./run-batches";
import type { RunInputDeps } from "./run-input";

/** What the runs unit needs: what starts a batch (run-batches.ts), what a VM run is given (run-input.ts), and the rest here. */
export type RunDriverDeps = Omit<RunBatchesDeps, "conversations" | "approvals"> & Omit<RunInputDeps, "conversations" | "approvals"> & {
  conversations: RunEffectsDeps["conversations"] & Pick<RunConversations, "keepWarmFor">;
  vm: VmClient | null;
  /** Shows WhatsApp's typing indicator on the user's last message. */
  sendTyping: () => Promise<unknown>;
  approvals: RunEffectsDeps["approvals"] & Pick<RunApprovals, "runOption" | "planRunOption" | "hasPending" | "waitsOf" | "prepare">;
  answers: RunEffectsDeps["answers"] & Pick<VmAnswers, "deliver">;
  /** Updates during long runs (/progress): whether this user wants them, how often, and the send. */
  progress: { wanted(): boolean; pacing: ProgressPacing; send(runId: string, text: string, now: number): void; sentOf?(runId: string): number };
  /** The pages watching runs live (web/live-pages.ts); what each event shows there is told to `happened`. */
  live?: {
    /** The line that says where to watch a conversation's run live (its page's link), or null: no links here. */
    watchLine?(conversationId: number): Promise<string | null>;
  };
  /** Dates what a step sees after it awaited (a stream read waits minutes, a start up to 30 s): see stepTime. */
  clock: Clock;
};
