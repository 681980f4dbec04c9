// /diff, /undo, /redo, and the yes/no that answers /undo's question: decided from the relay's
// own rows inside the command's transaction; what the VM must do (draw, undo, redo) is returned.
import { NO_CURRENT_CONVERSATION } from "../conversations/conversations-replies";
import { DIFF_NOT_KEPT, diffSummary, NOTHING_TO_UNDO, nothingToDiff, UNDO_DECLINED, undoBusy } from "./changes-replies";
import { changeTotals, namedFiles, runLabel, type UndoReplyWord } from "./run-change";
import type { Conversations } from "../conversations/conversations-unit";
import type { Changes } from "./run-changes";
import type { MessagesRepo } from "../messages/messages-repo";
import type { RunChangesRepo } from "./run-changes-repo";
import type { RunsRepo } from "../runs/runs-repo";
import type { Reply } from "../messages/inbound-message";
import type { PageScope } from "../conversations/page-scope";

export type ChangeCommandDeps = {
  conversations: Pick<Conversations, "current" | "repo">;
  runs: Pick<RunsRepo, "openAll">;
  messages: Pick<MessagesRepo, "allOfRun">;
  runChanges: Pick<RunChangesRepo, "inPlace">;
  changes: Pick<Changes, "ask" | "close">;
};

/** What the VM must do after a change command's transaction (joined with the other capabilities' in agent/vm-action.ts). */
export type ChangeAction =
  /** /diff: the VM draws the diff kept at `key`; the picture goes out with `summary` and a page link for `page` (as /web makes it). */
  | { kind: "diff"; key: string; summary: string; page: { scope: PageScope; epoch: number }; change: { vmRunId: string; conversationId: number } }
  /** A `yes` to /undo, or /redo: the VM puts the workspace's files back. */
  | { kind: "undo" | "redo"; conversationId: number; workspace: string };

type ChangeReply = Reply<ChangeAction>;

const say = (text: string): ChangeReply => ({ text, after: null });

/** The run in progress in a conversation's workspace, as the user knows it; null when none is (another conversation's does not hold it). */
function runInProgress(d: ChangeCommandDeps, conversationId: number): string | null {
  const open = d.runs.openAll().find((r) => r.conversationId === conversationId);
  return open ? runLabel(d.messages.allOfRun(open.id)[0]?.body) : null;
}

/** `linkEpoch`: the phone's page link epoch, for the link that comes with the picture. */
export function diffCommand(d: ChangeCommandDeps, index: number, linkEpoch: number): ChangeReply {
  const current = d.conversations.current();
  if (!current) return say(NO_CURRENT_CONVERSATION);
  const changes = d.runChanges.inPlace(current.id, index);
  const change = changes[index - 1];
  if (!change) return say(nothingToDiff(index, changes.length));
  if (!change.diffKey) return say(DIFF_NOT_KEPT);
  const summary = diffSummary({ index, label: change.label, totals: changeTotals(change.files), named: namedFiles(change.files), truncated: change.truncated });
  return { text: "", after: { kind: "diff", key: change.diffKey, summary, page: { scope: { kind: "conversation", conversationId: current.id }, epoch: linkEpoch }, change: { vmRunId: change.vmRunId, conversationId: current.id } } };
}

/** /undo asks first (the question goes out with buttons under `questionKey`); refused at once while a run is live. */
export function undoCommand(d: ChangeCommandDeps, now: number, questionKey: string): ChangeReply {
  const current = d.conversations.current();
  if (!current) return say(NO_CURRENT_CONVERSATION);
  const busy = runInProgress(d, current.id);
  if (busy) return say(undoBusy(busy));
  return d.changes.ask(current.id, now, questionKey) ? say("") : say(NOTHING_TO_UNDO);
}

export function redoCommand(d: ChangeCommandDeps): ChangeReply {
  const current = d.conversations.current();
  if (!current) return say(NO_CURRENT_CONVERSATION);
  const busy = runInProgress(d, current.id);
  if (busy) return say(undoBusy(busy));
  return { text: "", after: { kind: "redo", conversationId: current.id, workspace: current.workspace } };
}

/** A yes or no to the open question; the question is closed either way. */
export function answerUndo(d: ChangeCommandDeps, word: UndoReplyWord, now: number): ChangeReply {
  const q = d.changes.close(now);
  if (!q || word === "no") return say(UNDO_DECLINED);
  const conversation = d.conversations.repo.get(q.conversationId);
  if (!conversation) return say(NOTHING_TO_UNDO);
  return { text: "", after: { kind: "undo", conversationId: conversation.id, workspace: conversation.workspace } };
}

