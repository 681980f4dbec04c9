// What a VM run is given when it starts: its messages as the VM takes them (each stored attachment
// a signed, expiring link), the relay's notes after the last, the chat's last exchanges before the
// first when its session was lost, and the run's options. Part of the runs unit: run-driver.ts
// starts the VM run with it (run-open.ts).
import { type Attachment, AttachmentExtSchema, attachmentExtOf } from "../protocol/vm/files";
import type { InputMessage, StartRunRequestInput } from "../protocol/vm/runs";
import { TASK_INSTRUCTIONS, WHATSAPP_INSTRUCTIONS } from "../protocol/vm/agent-instructions";
import { afterLast, noteCarried } from "./batching";
import { withMeanwhile } from "../messages/meanwhile";
import { interruptedTurnNote } from "../messages/notices";
import { MAX_MESSAGES_PER_TURN, type Run } from "./run-lifecycle";
import { voiceNoteText } from "../media/voice-note";
import type { Media, QueuedMessage } from "../messages/messages-repo";
import type { RunEffectsDeps } from "./run-effects";
import type { RunApprovals, RunChanges, RunConversations } from "./run-ports";

export type RunInputDeps = Pick<RunEffectsDeps, "messages" | "transcriptOf" | "meanwhile"> & {
  conversations: Pick<RunConversations, "repo" | "keepWarmFor">;
  /** The undo's note for a conversation's next run; absent in units' tests that need none. */
  changes?: RunChanges;
  approvals: Pick<RunApprovals, "runOption" | "planRunOption">;
  /** The user's stable id on the VM: the phone number. */
  userId: string;
  /** Who the agent commits as. */
  gitIdentity: () => { name: string; email: string };
  /** A signed, expiring link to a stored attachment for the VM; null when none can be made. */
  mediaLink: (stored: NonNullable<Media["stored"]>) => Promise<string | null>;
};

/** A message as the VM takes it: its text, and each stored attachment as a signed, expiring link (never Twilio's URL). */
export async function toInput(d: Pick<RunInputDeps, "mediaLink">, m: QueuedMessage): Promise<InputMessage> {
  const attachments: Attachment[] = [];
  for (const media of m.media) {
    const url = media.stored ? await d.mediaLink(media.stored) : null;
    if (!media.stored || !url) continue;
    const { contentType, size, kind, ext } = media.stored;
    const transcript = media.transcript ? voiceNoteText(media.transcript.text, media.transcript.durationSec, "") : undefined;
    // The sniffed extension when the VM takes it, else the one its type names ("bin" at worst).
    const known = AttachmentExtSchema.safeParse(ext);
    attachments.push({ url, contentType, size, kind, ext: known.success ? known.data : attachmentExtOf(contentType), ...(transcript ? { transcript } : {}) });
  }
  return attachments.length > 0 ? { id: m.id, text: m.body, attachments } : { id: m.id, text: m.body };
}

/**
 * The run's input: its messages, the first preceded by the chat's last exchanges if its session
 * was lost and by what runs of events did meanwhile in forks of it (messages/meanwhile.ts: the
 * user's own runs in the conversation's session only); after the last message, the relay's notes: one telling the agent to look before it
 * redoes when messages were carried from a run that was cut off (they come first, being older),
 * and one naming the files an /undo put back since its last turn.
 */
async function inputOf(d: RunInputDeps, run: Run): Promise<InputMessage[]> {
  const held = d.messages.ofRun(run.id, "handed").slice(0, MAX_MESSAGES_PER_TURN);
  const carried = noteCarried(await Promise.all(held.map((m) => toInput(d, m))), held.map((m) => m.cuts > 0), interruptedTurnNote);
  // The user undid the agent's change since its last turn: told once, after the turn's messages, as the interrupted note is.
  const noted = afterLast(carried, run.context === "chat" ? (d.changes?.noteFor(run.conversationId) ?? null) : null);
  const input = withMeanwhile(noted, run.context === "chat" && !run.forkSession ? (d.meanwhile?.upTo(run.conversationId, run.createdAt) ?? []) : []);
  const restored = run.seedTranscript && run.context === "chat" ? d.transcriptOf(run.conversationId, run.id) : null;
  const [first, ...rest] = input;
  return restored && first ? [{ ...first, text: `${restored.text}\n\n${first.text}` }, ...rest] : input;
}

/** The start of `run`'s VM run at `now`: its input, its conversation's project and its options. */
export async function startRequestOf(d: RunInputDeps, run: Run, now: number): Promise<StartRunRequestInput> {
  const conversation = d.conversations.repo.get(run.conversationId);
  // A scheduled task in its own session runs unattended: it never waits on a plan.
  const plan = run.context === "chat" && conversation !== null && (conversation.planMode || conversation.planNext);
  return {
    runId: run.vmRunId,
    userId: d.userId,
    sessionId: run.sessionId,
    messages: await inputOf(d, run),
    // Its conversation's project; "main" is the one directory every user had before.
    workspace: conversation?.workspace ?? "main",
    gitIdentity: d.gitIdentity(),
    // A task in its own session neither sees nor changes the user's schedules.
    // With approvals (the conversation's mode, tasks included) the VM asks before acting.
    options: {
      // Plan first (/plan): the CLI's plan mode, whose plan the user answers (approvals/plan-card.ts).
      permissionMode: plan ? "plan" : "bypassPermissions",
      approvals: plan ? d.approvals.planRunOption(run.conversationId, run.id) : d.approvals.runOption(run.conversationId, run.id),
      // The conversation's model and effort at every start: after /new, a resume, a restore, in its tasks.
      ...(conversation?.model ? { model: conversation.model } : {}),
      ...(conversation?.effort ? { effort: conversation.effort } : {}),
      scheduleTools: run.context === "chat",
      appendSystemPrompt: run.context === "chat" ? WHATSAPP_INSTRUCTIONS : `${WHATSAPP_INSTRUCTIONS}\n${TASK_INSTRUCTIONS}`,
      keepWarmMs: run.context === "chat" ? d.conversations.keepWarmFor(run.conversationId, now) : undefined,
      // An event's run works in a fork of the conversation's session, which stays the user's alone.
      ...(run.forkSession ? { forkSession: true } : {}),
    },
  };
}
