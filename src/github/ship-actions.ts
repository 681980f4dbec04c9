// What /ship asks of the VM, after the webhook's answer: the preview (then the question, with
// buttons), and on yes the ship itself (then the pull request recorded as the conversation's, and
// its link said). The runs the VM writes into the commit and the pull request come from here.
import { createQuestionsRepo } from "../questions/questions-repo";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { SHIP_BUTTONS, SHIP_NO_VM, SHIP_PREVIEW_GONE, shipDoneReply, shipQuestion, shipQuestionOf, shipRefused, shipRunsOf } from "./ship";
import type { ShipRequest } from "../protocol/vm/ship";
import type { ShipAction } from "./ship-commands";
import type { VmClient } from "../machines/vm-client";
import type { ShipOutcome } from "../machines/vm-git-calls";
import type { OutboxRepo } from "../outbox/outbox-repo";
import { createConversationsRepo } from "../conversations/conversations-repo";
import { createPullRequestsRepo } from "./pull-requests-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { Sql } from "../shared/sql";
import { gitIdentityOf } from "../conversations/conversation-commands";

export type ShipActionDeps = {
  vm: VmClient | null;
  phone: string;
  sql: Sql;
  settings: SettingsRepo;
  outbox: Pick<OutboxRepo, "add">;
  log: Log;
  clock: Clock;
};

/** The runs of the conversation since its last pull request ended (each: its first message, the agent's last reply). */
function runsSince(sql: Sql, conversationId: number, since: number): ShipRequest["runs"] {
  const runs = sql<{ id: string; vm_run_id: string }>`SELECT id, vm_run_id FROM runs WHERE conversation_id = ${conversationId} AND phase = 'finished' AND created_at > ${since}
    ORDER BY created_at DESC LIMIT 50`.reverse();
  return shipRunsOf(
    runs.map((run) => ({
      firstMessage: sql<{ body: string }>`SELECT body FROM messages WHERE run_id = ${run.id} ORDER BY seq LIMIT 1`[0]?.body ?? null,
      reply: sql<{ body: string }>`SELECT body FROM outbox WHERE dedupe_key LIKE ${`${run.vm_run_id}:%`} ORDER BY id DESC LIMIT 1`[0]?.body ?? null,
    })),
  );
}

/** What the VM is told: the open pull request, the branches never to reuse, the runs, who commits. */
function shipRequest(d: ShipActionDeps, conversationId: number, title: string | null): ShipRequest {
  const name = createConversationsRepo(d.sql).nameOf(conversationId);
  const pulls = createPullRequestsRepo(d.sql);
  const open = pulls.openOf(conversationId);
  const ended = pulls.ofConversation(conversationId).filter((p) => p.state !== "open");
  // The runs after an ended pull request's last push are the next one's (its closing time says nothing of them).
  const since = ended.reduce((at, p) => Math.max(at, p.shippedAt), 0);
  return {
    ...(name ? { conversation: name } : {}),
    ...(title ? { title } : {}),
    pull: open ? { number: open.number, branch: open.branch } : null,
    usedBranches: pulls.usedBranches(conversationId),
    runs: runsSince(d.sql, conversationId, since),
    gitIdentity: gitIdentityOf(d.settings, d.phone),
  };
}

function failed<T>(d: ShipActionDeps, outcome: ShipOutcome<T> | null, what: string): string {
  if (outcome && !outcome.ok && outcome.refusal) return shipRefused(outcome.refusal.message, outcome.refusal.pushed === true);
  d.log("ship_failed", { what, detail: outcome && !outcome.ok && !outcome.refusal ? outcome.detail : "no VM" });
  return SHIP_NO_VM;
}

/** The pull request the VM found closed or merged: the relay's row says so too. */
function recordClosed(d: ShipActionDeps, repo: string, closed: { number: number; merged: boolean } | null, now: number): void {
  const ended = closed && createPullRequestsRepo(d.sql).byNumber(repo, closed.number);
  if (closed && ended) createPullRequestsRepo(d.sql).setState(ended.id, closed.merged ? "merged" : "closed", now);
}

/** Asks the VM (`preview` or `ship`); its refusal, or no VM, is said; its answer is recorded in one transaction with what is said. */
async function withVm<T extends { repo: string; closed: { number: number; merged: boolean } | null }>(
  d: ShipActionDeps,
  action: ShipAction & { what: "preview" | "ship" },
  dedupeKey: string,
  ask: (vm: VmClient, request: ShipRequest) => Promise<ShipOutcome<T>>,
  record: (value: T, now: number) => void,
): Promise<void> {
  const request = { ...shipRequest(d, action.conversationId, action.title), ...(action.expected ? { expected: action.expected } : {}) };
  const outcome = d.vm ? await ask(d.vm, request) : null;
  const now = d.clock();
  if (!outcome?.ok) return void d.outbox.add({ dedupeKey, body: failed(d, outcome, action.what), now });
  const { value } = outcome;
  d.sql.transaction(() => {
    recordClosed(d, value.repo, value.closed, now);
    record(value, now);
  });
}

/** /ship: the VM's preview, then the question with its buttons (or the VM's refusal, which changes nothing). */
export function askShip(d: ShipActionDeps, action: ShipAction, dedupeKey: string): Promise<void> {
  return withVm(d, { ...action, what: "preview" }, dedupeKey, (vm, request) => vm.shipPreview(d.phone, action.workspace, request), (plan, now) => {
    // What the question shows is what a yes may ship: kept with it.
    const preview = { repo: plan.repo, branch: plan.branch, head: plan.head, tree: plan.tree };
    createQuestionsRepo(d.sql).ask(shipQuestionOf(action.conversationId, now, { title: action.title, preview }), now);
    d.outbox.add({ dedupeKey, body: shipQuestion(plan), buttons: SHIP_BUTTONS.map((b) => ({ ...b })), now });
  });
}

/**
 * A yes: the VM commits, pushes and opens or updates the pull request, only if the repository,
 * branch, commit and files are still what the preview showed; the relay keeps it as the conversation's.
 */
export async function ship(d: ShipActionDeps, action: ShipAction, dedupeKey: string): Promise<void> {
  // A question asked before previews were kept: nothing the user saw to hold the push to.
  if (!action.expected) return void d.outbox.add({ dedupeKey, body: SHIP_PREVIEW_GONE, now: d.clock() });
  return withVm(d, { ...action, what: "ship" }, dedupeKey, (vm, request) => vm.ship(d.phone, action.workspace, request), (done, now) => {
    createPullRequestsRepo(d.sql).shipped({ conversationId: action.conversationId, repo: done.repo, number: done.pull.number, branch: done.branch, url: done.pull.url, headSha: done.headSha, now });
    d.outbox.add({ dedupeKey, body: shipDoneReply(done), now });
  });
}
