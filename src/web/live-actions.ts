// What a page watching a run live may do: stop the run, or answer one of its approvals, with the
// same effect as the chat's /stop and the prompt's buttons (the same code does it), and the chat
// told that it was done on the page. Only a link sent within the hour may (web/web-live.ts);
// the first answer wins, wherever it came from. Rows only, inside one transaction; the VM runs to
// cancel are returned for after it.
import { stopReply } from "../messages/notices";
import { type LiveAction, WATCH_ONLY } from "./web-live";
import type { PageScope } from "../conversations/page-scope";
import type { StopDeps } from "../runs/stop";
import { stopWork } from "../runs/stop";
import type { Approval } from "../approvals/approvals-repo";
import { EXIT_PLAN_TOOL } from "../protocol/vm/approvals";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { Transaction } from "../shared/sql";
import type { Approvals } from "../approvals/approvals-unit";

export type LiveActionRequest = { scope: Exclude<PageScope, { kind: "dashboard" }>; epoch: number; actUntil: number; action: LiveAction };
export type LiveActionAnswer = { ok: true; said: string } | { ok: false; status: 400 | 403 | 404 | 409; error: string };

export type LiveActionDeps = StopDeps & {
  transaction: Transaction;
  approvals: Pick<Approvals, "answer" | "answerPlan">;
  approvalOf: (id: number) => Approval | null;
  outbox: Pick<OutboxRepo, "add">;
};

export const LIVE_ACTION_REFUSALS = {
  watchOnly: WATCH_ONLY,
  allConversations: "Open the page of one conversation (/web in it) to stop its run or answer it.",
  noApproval: "That approval is not one of this conversation's.",
  closed: "That approval was already answered (or timed out): the first answer counts.",
  notPlan: "That approval is not a plan: answer it yes or no.",
} as const;

/** Said in the chat after what the page did (the chat's own words, then where it was done). */
const onThePage = (said: string) => `${said.replace(/\.?\s*$/, ".")} (answered on the page)`;

/** Does what the page asked at `now`; `cancelVmRunIds`: the runs the VM must stop. */
export function actFromPage(d: LiveActionDeps, request: LiveActionRequest, now: number): { answer: LiveActionAnswer; cancelVmRunIds: string[]; told: boolean } {
  const refuse = (status: 400 | 403 | 404 | 409, error: string) => ({ answer: { ok: false as const, status, error }, cancelVmRunIds: [], told: false });
  if (now >= request.actUntil) return refuse(403, LIVE_ACTION_REFUSALS.watchOnly);
  if (request.scope.kind !== "conversation") return refuse(400, LIVE_ACTION_REFUSALS.allConversations);
  const conversationId = request.scope.conversationId;
  const { action } = request;
  if (action.kind === "stop") {
    return d.transaction(() => {
      const stopped = stopWork(d, { conversationId }, now, "The run was stopped on the page.");
      const said = stopReply(stopped);
      const told = d.outbox.add({ dedupeKey: `live-stop:${conversationId}:${now}`, body: said.replace(/\.?\s*$/, ".") + " (stopped on the page)", now });
      return { answer: { ok: true as const, said }, cancelVmRunIds: stopped.cancelVmRunIds, told };
    });
  }
  const approval = d.approvalOf(action.approvalId);
  if (!approval || approval.conversationId !== conversationId) return refuse(404, LIVE_ACTION_REFUSALS.noApproval);
  if (approval.status !== "pending") return refuse(409, LIVE_ACTION_REFUSALS.closed);
  const isPlan = approval.tool === EXIT_PLAN_TOOL;
  if (action.kind === "plan" || isPlan) {
    if (!isPlan) return refuse(400, LIVE_ACTION_REFUSALS.notPlan);
    // A plan is answered as its card's buttons answer it; a bare yes/no (a page loaded before plans had their own buttons) is the card's first and third.
    const choice = action.kind === "plan" ? action.choice : action.answer === "yes" ? "ask" : "change";
    return d.transaction(() => {
      const done = d.approvals.answerPlan(approval.id, choice, now);
      if (!done) return refuse(409, LIVE_ACTION_REFUSALS.closed);
      const told = d.outbox.add({ dedupeKey: `live-answer:${approval.id}`, body: onThePage(done.text), now });
      return { answer: { ok: true as const, said: done.text }, cancelVmRunIds: [], told };
    });
  }
  return d.transaction(() => {
    const said = d.approvals.answer({ via: "button", answer: action.answer, approvalId: approval.id }, now);
    const told = d.outbox.add({ dedupeKey: `live-answer:${approval.id}`, body: onThePage(said), now });
    return { answer: { ok: true as const, said }, cancelVmRunIds: [], told };
  });
}
