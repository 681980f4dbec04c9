// The draft review a private page's link keeps in this object: a comment added on a line of a
// change the link shows, one removed, and the draft sent. Sending stores the review as one message
// of the user in the draft's conversation, queued as a typed message is (it starts a run or joins
// the live one), with the chat's line that says so, and clears the draft: all in one transaction,
// once per draft (its id names the message, so a second tap finds it sent).
import { outboxKeys } from "../outbox/outbox-keys";
import { decideRate, RATE_WINDOW_MS } from "../shared/rate-limit";
import { type ReviewComment, REVIEW_MAX_COMMENTS, reviewMessageForAgent, reviewSentLine } from "../protocol/review-comments";
import { draftComment, REVIEW_REFUSALS, type ReviewCommentRequest, type ReviewDraft, reviewMessageId } from "./review-draft";
import type { PageScope } from "../conversations/page-scope";
import type { ChangeFileLines } from "./change-lines";
import type { ReviewDraftsRepo } from "./review-drafts-repo";
import type { RunChangesRepo } from "./run-changes-repo";
import type { EventRunDeps } from "../runs/event-runs";
import { readChangeLines, type ReviewReadDeps } from "./review-replies";

/** `lines`: the lines of the change's stored diff, read before (withStoredLines); null when it could not be read. */
export type ReviewAction = { kind: "add"; comment: ReviewCommentRequest; lines?: readonly ChangeFileLines[] | null } | { kind: "remove"; commentId: number } | { kind: "send"; draftId: string };
/** What a page's link asks: its scope and epoch (checked by the object, as for a read), and the action. */
export type ReviewRequest = { scope: PageScope; epoch: number; action: ReviewAction };

/** `draft`: the conversation's draft after the action (null: empty). `sent`: the comments the agent got (a second send: none). */
export type ReviewAnswer =
  | { ok: true; draft: ReviewDraft | null; sent?: { conversationId: number; comments: ReviewComment[] } | "already" }
  | { ok: false; status: 400 | 403 | 409 | 429; error: string };

export type ReviewDeps = EventRunDeps & { reviewDrafts: ReviewDraftsRepo; runChanges: Pick<RunChangesRepo, "get">; newDraftId: () => string };

/** Whether a link of `scope` shows conversation `id`. */
const covers = (scope: PageScope, id: number) => scope.kind === "all" || (scope.kind === "conversation" && scope.conversationId === id);

const refused = (status: 400 | 403 | 409 | 429, error: string): ReviewAnswer => ({ ok: false, status, error });

/**
 * An added comment with its change's stored lines, read from R2 before the transaction (a quote is
 * taken from them, never from the text the page posted); any other action as it is.
 */
export async function withStoredLines(d: Pick<ReviewReadDeps, "readDiff" | "log" | "runChanges">, action: ReviewAction): Promise<ReviewAction> {
  if (action.kind !== "add") return action;
  const change = d.runChanges.get(action.comment.changeId);
  const lines = change?.diffKey ? await readChangeLines(d, change, change.diffKey) : null;
  return { ...action, lines };
}

/** Carries out `action` for a link of `scope`; null: what it names is not the link's to touch (the page's own 404). */
export function actOnReview(d: ReviewDeps, scope: PageScope, action: ReviewAction, now: number): ReviewAnswer | null {
  if (scope.kind === "dashboard") return null;
  return d.transaction(() => {
    switch (action.kind) {
      case "add":
        return addComment(d, scope, action.comment, action.lines ?? null, now);
      case "remove": {
        const conversationId = d.reviewDrafts.conversationOfComment(action.commentId);
        if (conversationId === null) return refused(409, REVIEW_REFUSALS.unknownComment);
        if (!covers(scope, conversationId)) return null;
        d.reviewDrafts.remove(action.commentId);
        return { ok: true, draft: d.reviewDrafts.draftOf(conversationId) };
      }
      case "send":
        return sendDraft(d, scope, action.draftId, now);
    }
  });
}

function addComment(d: ReviewDeps, scope: PageScope, request: ReviewCommentRequest, lines: readonly ChangeFileLines[] | null, now: number): ReviewAnswer | null {
  const change = d.runChanges.get(request.changeId);
  if (!change) return refused(409, REVIEW_REFUSALS.unknownChange);
  if (!covers(scope, change.conversationId)) return null;
  if (!change.files.some((f) => f.path === request.file)) return refused(409, REVIEW_REFUSALS.unknownFile);
  if (lines === null && request.side !== "file") return refused(409, REVIEW_REFUSALS.diffUnread);
  const comment = draftComment(request, change.label, lines ?? []);
  if (comment === "not_in_change") return refused(409, REVIEW_REFUSALS.unknownLine);
  if (!comment) return refused(400, REVIEW_REFUSALS.notKept);
  if ((d.reviewDrafts.draftOf(change.conversationId)?.comments.length ?? 0) >= REVIEW_MAX_COMMENTS) return refused(409, REVIEW_REFUSALS.full);
  d.reviewDrafts.add({ conversationId: change.conversationId, newDraftId: d.newDraftId(), changeId: change.vmRunId, comment, now });
  return { ok: true, draft: d.reviewDrafts.draftOf(change.conversationId) };
}

function sendDraft(d: ReviewDeps, scope: PageScope, draftId: string, now: number): ReviewAnswer | null {
  const messageId = reviewMessageId(draftId);
  const draft = d.reviewDrafts.byId(draftId);
  if (!draft) {
    // Sent before (a second tap, a retried request): said so, nothing sent again.
    const sent = d.messages.get(messageId);
    if (sent) return covers(scope, sent.conversationId) ? { ok: true, draft: d.reviewDrafts.draftOf(sent.conversationId), sent: "already" } : null;
    return refused(409, REVIEW_REFUSALS.staleDraft);
  }
  if (!covers(scope, draft.conversationId)) return null;
  const conversation = d.conversations.repo.get(draft.conversationId);
  if (!conversation) return refused(409, REVIEW_REFUSALS.conversationGone);
  if (conversation.status === "cloning") return refused(409, REVIEW_REFUSALS.stillCloning);
  // Counted as a message the user typed; over the limit nothing is sent and the draft stays.
  const limit = d.maxMessagesPerMinute;
  const rate = decideRate({ recent: limit > 0 ? d.messages.countUserSince(now - RATE_WINDOW_MS, limit) : 0, limit, exempt: false, lastNoticeAt: null, now });
  if (rate.action === "refuse") return refused(429, REVIEW_REFUSALS.rateLimited);
  const comments = draft.comments.map(({ id: _, changeId: __, ...c }) => c);
  // From the chat the user last wrote from: the run's reply and the line below go there.
  const source = d.messages.lastInbound()?.source;
  d.messages.insert({ id: messageId, body: reviewMessageForAgent(comments), media: [], conversationId: draft.conversationId, receivedAt: now, ...(source ? { source } : {}), now });
  d.outboxRepo.add({ dedupeKey: outboxKeys.command(messageId), body: reviewSentLine(comments), ...(source ? { to: source } : {}), now });
  d.lifecycle.received(messageId, d.runs.openIn(draft.conversationId)?.id ?? null, now);
  d.reviewDrafts.clear(draftId);
  return { ok: true, draft: null, sent: { conversationId: draft.conversationId, comments } };
}
