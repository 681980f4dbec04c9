// The private page's requests to the phone's object (the Worker checked the link's token): its live
// socket, a stop or an approval's answer from a page watching the run, and its draft review, sent
// also to the conversation's pull request. Each refuses a link an admin or `/web revoke` ended.
import type { Config } from "../config/config";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { outboxKeys } from "../outbox/outbox-keys";
import type { ReviewComment } from "../protocol/review-comments";
import { REVIEW_REFUSALS, reviewMessageId } from "../changes/review-draft";
import { LIVE_OPEN_HEADER, LiveOpenSchema, type LivePictureRequest } from "../web/web-live";
import { readJson } from "../shared/json-text";
import { isRevoked } from "../admin/access";
import type { composeUnits } from "./compose-units";
import type { Sql } from "../shared/sql";
import { actFromPage, type LiveActionAnswer, type LiveActionRequest } from "../web/live-actions";
import { postPullRequestReview } from "../github/pull-request-review";
import { actOnReview, type ReviewAnswer, type ReviewRequest, withStoredLines } from "../changes/review-drafts";
import { webLinkEpoch } from "../web/web-page-data";

export function pageEntries(d: {
  u: ReturnType<typeof composeUnits>;
  sql: Sql;
  config: Config | null;
  phone: string;
  log: Log;
  clock: Clock;
  /** The object's pump (alarm-pump.ts): what a page's action stored is carried out. */
  pump: { workOn(now: number): Promise<void>; replan(now: number, opts: { startIfDue: boolean }): Promise<boolean> };
  waitUntil: (work: Promise<unknown>) => void;
}) {
  const { u } = d;

  /** A review sent from the page, also posted on the conversation's open pull request (if /ship opened one); the chat gets the one line. */
  async function reviewOnPullRequest(messageId: string, sent: { conversationId: number; comments: ReviewComment[] }): Promise<void> {
    const conversation = u.repos.conversations.get(sent.conversationId);
    if (!conversation) return;
    const line = await postPullRequestReview({ vm: u.vm, phone: d.phone, pulls: u.repos.pullRequests, log: d.log }, conversation, sent.comments);
    if (line === null) return;
    const now = d.clock();
    const source = u.repos.messages.get(messageId)?.source;
    u.repos.outbox.add({ dedupeKey: outboxKeys.command(messageId, 1), body: line, ...(source ? { to: source } : {}), now });
    await d.pump.replan(now, { startIfDue: true });
  }

  return {
    /** GET /web/<token>/live: the page's socket; 404 for a revoked link or a deleted conversation. */
    openLive(request: Request): Response {
      const now = d.clock();
      const open = readJson(LiveOpenSchema, request.headers.get(LIVE_OPEN_HEADER) ?? "");
      if (!open || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Not found", { status: 404 });
      const gone = open.scope.kind === "conversation" && !u.repos.conversations.get(open.scope.conversationId);
      if (open.epoch !== webLinkEpoch(u.repos.settings) || gone || open.expiresAt <= now) return new Response("Not found", { status: 404 });
      return u.livePages.open(open, now);
    },

    /**
     * An approval's picture for a page (GET /web/<token>/live/picture/<id>): where it is stored, if
     * the link is not revoked and the approval is of the link's conversation; null otherwise.
     */
    livePicture(request: LivePictureRequest): { key: string; contentType: string } | null {
      if (request.epoch !== webLinkEpoch(u.repos.settings)) return null;
      const approval = u.repos.approvals.get(request.approvalId);
      if (!approval || (request.scope.kind === "conversation" && approval.conversationId !== request.scope.conversationId)) return null;
      const stored = u.approvals.pictureOf(approval.id);
      return stored ? { key: stored.key, contentType: stored.contentType } : null;
    },

    /** Stop the run or answer an approval from a page watching it; null: the link was revoked. */
    async act(request: LiveActionRequest): Promise<LiveActionAnswer | null> {
      const now = d.clock();
      if (request.epoch !== webLinkEpoch(u.repos.settings)) return null;
      if (isRevoked(u.repos.settings, d.config, d.phone)) return { ok: false, status: 403, error: REVIEW_REFUSALS.accessRemoved };
      const { repos, approvals, inbox, lifecycle } = u;
      const deps = { transaction: d.sql.transaction, runs: repos.runs, lifecycle, messages: repos.messages, stopApprovals: (at: number, ids: readonly string[] | null) => approvals.stopAll(at, ids), failRun: inbox.failRun, approvals, approvalOf: repos.approvals.get, outbox: repos.outbox, happened: u.happened };
      const done = actFromPage(deps, request, now);
      d.log("live_action", { action: request.action.kind, outcome: done.answer.ok ? "done" : done.answer.status });
      await Promise.all(done.cancelVmRunIds.map((id) => u.vm?.cancel(id)));
      // The answer reaches the VM, and the chat's line goes out, as a tapped button's would.
      if (done.answer.ok) await d.pump.workOn(now);
      return done.answer;
    },

    /** The draft review: a comment added or removed, or the draft sent; null: a revoked link, or an action not the link's. */
    async review(request: ReviewRequest): Promise<ReviewAnswer | null> {
      const now = d.clock();
      if (request.epoch !== webLinkEpoch(u.repos.settings)) return null;
      if (request.action.kind === "send" && isRevoked(u.repos.settings, d.config, d.phone)) return { ok: false, status: 403, error: REVIEW_REFUSALS.accessRemoved };
      const deps = { ...u.inbox, reviewDrafts: u.repos.reviewDrafts, runChanges: u.repos.runChanges, newDraftId: () => crypto.randomUUID() };
      const answer = actOnReview(deps, request.scope, await withStoredLines(u.reviewRead, request.action), now);
      d.log("review_draft", { action: request.action.kind, outcome: answer === null ? "refused_link" : answer.ok ? (answer.sent === "already" ? "sent_already" : "done") : answer.status });
      if (answer?.ok && answer.sent && answer.sent !== "already" && request.action.kind === "send") {
        await d.pump.workOn(now);
        // After the page has its answer and the agent its message: GitHub may take up to 40 s.
        d.waitUntil(reviewOnPullRequest(reviewMessageId(request.action.draftId), answer.sent));
      }
      return answer;
    },
  };
}
