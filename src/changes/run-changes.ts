// A run's change, relay side (issue 23): recorded when its terminal event carries one (the line
// after the reply, the diff written to R2 under the user's prefix), and the /undo question's
// life: asked, answered by the next message only, void once a run of its conversation starts.
import { changeTotals, namedFiles, runLabel, UNDO_BUTTONS, undoQuestionFrom, undoQuestionOf } from "./run-change";
import type { QuestionsRepo } from "../questions/questions-repo";
import { changeLine, commentHint, undoneNote, undoQuestion } from "./changes-replies";
import type { RunChange } from "../protocol/vm/changes";
import type { MessagesRepo } from "../messages/messages-repo";
import type { RunChangesRepo } from "./run-changes-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { Conversations } from "../conversations/conversations-unit";
import type { Log } from "../shared/log";
import type { SettingsRepo } from "../config/settings-repo";
import { mediaOwnerTag, randomId, type MediaKeys } from "../media/media-token";
import { shownChangesOf } from "./review-replies";

/** Writes one run's diff (`text`) or its HTML (`html`) to R2, dated `now`; resolves to its key, or null when it could not be kept. */
export type DiffWriter = (vmRunId: string, body: string, kind: "text" | "html", now: number) => Promise<string | null>;

/** The VM keeps the last 50 runs' checkpoints per conversation: a change older than that cannot be undone or shown. */
export const KEPT_CHANGES = 50;

export type ChangesDeps = {
  repo: RunChangesRepo;
  /** Names a run's conversation in its line when it is not the current one (/diff and /undo act on the current). */
  conversations: Pick<Conversations, "elsewhere">;
  messages: Pick<MessagesRepo, "allOfRun">;
  outbox: Pick<OutboxRepo, "add">;
  /** Null without a media bucket: the line and /undo still work, /diff says the diff was not kept. */
  writeDiff: DiffWriter | null;
  /** Deletes diffs whose rows were pruned. */
  deleteDiffs: ((keys: string[]) => Promise<void>) | null;
  /** Remembers that an outbox message showed a change (a chat reply may then comment on it: review-replies.ts). */
  shown: (outboxKey: string, change: { vmRunId: string; conversationId: number }) => void;
  /** Where the first change line's comment hint is remembered as told (once per user). */
  settings: Pick<SettingsRepo, "get" | "set">;
  /** Where /undo's question is asked and closed: its words, its buttons, and the run a yes undoes. */
  questions: Pick<QuestionsRepo, "ask" | "take">;
  /** Records the key once written (its own transaction: the write ends after the event's). */
  transaction: <T>(fn: () => T) => T;
  log: Log;
};

export function createChanges(d: ChangesDeps) {
  const write = (vmRunId: string, body: string | undefined, kind: "text" | "html", now: number) => (body ? d.writeDiff!(vmRunId, body, kind, now).catch(() => null) : Promise.resolve(null));
  const storeDiff = async (vmRunId: string, change: RunChange, now: number): Promise<void> => {
    const [diff, html] = await Promise.all([write(vmRunId, change.diff, "text", now), write(vmRunId, change.diffHtml, "html", now)]);
    if (diff || html) d.transaction(() => d.repo.setDiffKeys(vmRunId, { diff, html }));
    if (!diff) d.log("run_diff_not_kept", { vmRunId, chars: change.diff.length });
    if (change.diffHtml && !html) d.log("run_diff_html_not_kept", { vmRunId, chars: change.diffHtml.length });
  };
  return {
    /**
     * The change a run's terminal event carried; inside the event's transaction. Once per VM run.
     * `label`: what made it, when not a run of messages (the laptop's work a hand-back brought).
     */
    record(run: { id: string; vmRunId: string; conversationId: number; label?: string }, change: RunChange, now: number): void {
      if (change.files.length === 0) return;
      const label = run.label ?? runLabel(d.messages.allOfRun(run.id)[0]?.body);
      const totals = changeTotals(change.files);
      if (!d.repo.add({ vmRunId: run.vmRunId, conversationId: run.conversationId, label, insertions: totals.insertions, deletions: totals.deletions, files: change.files, truncated: change.truncated, now })) return;
      d.outbox.add({ dedupeKey: `change:${run.vmRunId}`, body: changeLine(totals, d.conversations.elsewhere(run.conversationId)), now });
      d.shown(`change:${run.vmRunId}`, { vmRunId: run.vmRunId, conversationId: run.conversationId });
      // The user's first change line is followed by how to comment on it, in a message of its own:
      // the change line keeps the interface contract's form. /diff's reply says it every time.
      if (d.settings.get("comment_hint_told") === null) {
        d.settings.set("comment_hint_told", now);
        d.outbox.add({ dedupeKey: `change-hint:${run.vmRunId}`, body: commentHint("web"), now });
        d.shown(`change-hint:${run.vmRunId}`, { vmRunId: run.vmRunId, conversationId: run.conversationId });
      }
      // Started now, finished after the transaction; a lost write only costs /diff its picture.
      if (d.writeDiff && change.diff !== "") void storeDiff(run.vmRunId, change, now);
      const pruned = d.repo.pruneBeyond(run.conversationId, KEPT_CHANGES);
      if (pruned.length > 0 && d.deleteDiffs) void d.deleteDiffs(pruned).catch(() => d.log("run_diff_delete_failed", { keys: pruned.length }));
    },
    /** The note for a conversation's next run, when the user undid a change the agent was not told of. */
    noteFor(conversationId: number): string | null {
      const undone = d.repo.untold(conversationId);
      return undone.length > 0 ? undoneNote(namedFiles(undone.flatMap((c) => c.files), 10)) : null;
    },
    /** The agent answered a turn of that conversation: it heard the note. */
    told(conversationId: number): void {
      d.repo.told(conversationId);
    },
    /** Asks whether to undo the conversation's last change in place (with buttons); the question's text, or null when there is none to undo. */
    ask(conversationId: number, now: number, dedupeKey: string): boolean {
      const last = d.repo.inPlace(conversationId, 1)[0];
      if (!last) return false;
      d.questions.ask(undoQuestionOf(conversationId, now, last.vmRunId), now);
      d.outbox.add({ dedupeKey, body: undoQuestionText(last), buttons: UNDO_BUTTONS.map((b) => ({ ...b })), now });
      return true;
    },
    /** Closes the open question (answered); what it asked about, or null when none was open. */
    close(now: number) {
      const q = d.questions.take("undo", "current", now);
      return q ? undoQuestionFrom(q) : null;
    },
  };
}
export type Changes = ReturnType<typeof createChanges>;

function undoQuestionText(c: { label: string; files: RunChange["files"] }): string {
  return undoQuestion({ label: c.label, named: namedFiles(c.files), count: c.files.length });
}

/** The unit over the phone's repos, writing diffs as `diff/<owner tag>/<random>` (their HTML with `.html`): outside media retention's prefixes. */
export function createRunChangesUnit(o: { repos: { messages: MessagesRepo; runChanges: RunChangesRepo; settings: SettingsRepo; outbox: OutboxRepo; questions: QuestionsRepo }; conversations: Pick<Conversations, "elsewhere">; bucket: R2Bucket | undefined; mediaKeys: Promise<MediaKeys> | null; phone: string; transaction: <T>(fn: () => T) => T; log: Log }) {
  const { bucket, mediaKeys } = o;
  const writeDiff: DiffWriter | null =
    bucket && mediaKeys
      ? async (_vmRunId, body, kind, now) => {
          const key = `${DIFF_PREFIX}${await mediaOwnerTag(await mediaKeys, o.phone)}/${randomId()}${kind === "html" ? ".html" : ""}`;
          const contentType = kind === "html" ? "text/html; charset=utf-8" : "text/x-diff; charset=utf-8";
          await bucket.put(key, body, { httpMetadata: { contentType }, customMetadata: { createdAt: String(now), direction: kind === "html" ? "diff-html" : "diff" } });
          return key;
        }
      : null;
  const deleteDiffs = bucket ? (keys: string[]) => bucket.delete(keys) : null;
  const { shown } = shownChangesOf(o.repos.settings);
  return createChanges({ repo: o.repos.runChanges, conversations: o.conversations, messages: o.repos.messages, outbox: o.repos.outbox, settings: o.repos.settings, questions: o.repos.questions, shown, writeDiff, deleteDiffs, transaction: o.transaction, log: o.log });
}

/** Run diffs in R2: kept as long as their conversation, so never under media retention's `in/` and `out/`. */
export const DIFF_PREFIX = "diff/";
