// GitHub's webhooks in the user's object: each delivery stored once, the facts its event needs
// loaded, the core's decision carried out (a notice with "Fix it", a pull request's state, a run
// or a clone then a run). "Fix it" and "Later" taps come back here as button payloads.
import * as z from "zod/mini";
import { decideGithubEvent, type GithubFacts, type PrFacts, type RunRequest } from "./github-decide";
import { type ParsedDelivery, conversationNameFor, repoOfUrl, stalePayload } from "./github-events";
import { outboxKeys } from "../outbox/outbox-keys";
import { cloningForEvent, type FailedCheck, FIX_LATER, fixGone, type ReviewComment } from "./github-replies";
import type { Conversation } from "../conversations/conversations-repo";
import { DELIVERY_RETENTION_MS, detailOf, type GithubEventsRepo } from "./github-events-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { PullRequest, PullRequestsRepo } from "./pull-requests-repo";
import type { Transaction } from "../shared/sql";
import type { NewQuestion } from "../questions/questions";
import type { QuestionsRepo } from "../questions/questions-repo";
import type { Conversations } from "../conversations/conversations-unit";
import type { ConversationAction } from "../conversations/conversation-commands";

/**
 * One delivery as the Worker checked and read it. `bodyHash`: SHA-256 (hex) of the signed body,
 * which GitHub's signature covers and the delivery id does not. `authorCanWrite`: an `/agent`
 * comment's author has write access, as GitHub answered (the object asks before this).
 */
export type GithubDelivery = { delivery: string; event: string; parsed: ParsedDelivery; receivedAt: number; publicOrigin: string; bodyHash: string; authorCanWrite?: boolean };

/** A run to start through startEventRun (its own transaction), after a clone when `clone` is set. */
export type GithubRun = Omit<RunRequest, "repo"> & { repo: string | null; eventId: string };
export type GithubOutcome = { outcome: "duplicate" } | { outcome: "stored"; run: GithubRun | null; clone: Extract<ConversationAction, { kind: "clone" }> | null };

export type GithubDeps = {
  transaction: Transaction;
  github: GithubEventsRepo;
  pullRequests: PullRequestsRepo;
  conversations: Pick<Conversations, "repo">;
  outboxRepo: Pick<OutboxRepo, "add">;
  newWorkspaceId: () => string;
  /** Where a notice's "Fix it" question is asked. */
  questions: Pick<QuestionsRepo, "ask">;
};

const FAILED = new Set(["failure", "timed_out"]);
const CheckDetail = z.object({ name: z.string(), conclusion: z.nullable(z.string()), summary: z.nullable(z.string()) });
const SuiteDetail = z.object({ conclusion: z.nullable(z.string()) });
const CommentDetail = z.object({ author: z.string(), path: z.string(), line: z.nullable(z.number()), body: z.string() });
// Notices kept from before labels: named by their origin, and never trusted (repo null).
const FixDetail = z.object({ fix: z.object({ conversation: z.string(), prompt: z.string(), origin: z.string(), label: z.optional(z.string()), repo: z.optional(z.string()) }) });

/** The buttons under a notice: their payloads name the delivery whose "Fix it" run they start. */
export const fixButtons = (delivery: string) => [
  { title: "Fix it", id: `gh-fix:${delivery}`, typed: "fix it" },
  { title: "Later", id: `gh-later:${delivery}` },
];
/** How long a typed "fix it" answers the newest CI notice that offered one. */
export const TYPED_FIX_WINDOW_MS = 24 * 60 * 60_000;

/**
 * A notice's "Fix it" as a question (questions/): its two buttons, and "fix it" typed within
 * TYPED_FIX_WINDOW_MS (the newest notice's, when several ask). Closed once its run started.
 */
export function fixQuestionOf(delivery: string, askedAt: number): NewQuestion {
  const [fix, later] = fixButtons(delivery);
  return { kind: "github_fix", ref: delivery, conversationId: null, words: { [fix!.typed!]: "fix" }, buttons: { [fix!.id]: "fix", [later!.id]: "later" }, nextMessageOnly: false, untilRun: false, askedAt, detail: null, expiresAt: askedAt + TYPED_FIX_WINDOW_MS };
}

export function receiveGithubDelivery(d: GithubDeps, g: GithubDelivery, now: number): GithubOutcome {
  const repo = g.parsed.repo.toLowerCase();
  return d.transaction(() => {
    // The same signed body under a new delivery id is a replay, not an event: answered as a duplicate.
    // Older than the window its hash is kept for: only a replay can bring it now.
    if (d.github.get(g.delivery) || d.github.seenBody(g.bodyHash) || stalePayload(g.parsed.at, now, DELIVERY_RETENTION_MS)) return { outcome: "duplicate" };
    const pr = prOf(d, repo, g.parsed);
    const decision = decideGithubEvent(g.parsed.repo, g.parsed.event, { ...factsOf(d, repo, g.parsed, pr), authorCanWrite: g.authorCanWrite === true });
    const fix = decision.say?.fix ?? null;
    const detail = fix ? { ...decision.keep.detail, fix } : decision.keep.detail;
    d.github.add({ delivery: g.delivery, event: g.event, repo, number: decision.keep.number, ref: decision.keep.ref, detail, bodyHash: g.bodyHash, now });
    if (decision.say) d.outboxRepo.add({ dedupeKey: outboxKeys.github(g.delivery), body: decision.say.text, buttons: fix ? fixButtons(g.delivery) : null, now });
    if (decision.say && fix) d.questions.ask(fixQuestionOf(g.delivery, now), now);
    if (pr && decision.prState) d.pullRequests.setState(pr.id, decision.prState, now);
    if (pr && decision.headSha && decision.headSha !== pr.headSha) d.pullRequests.setHeadSha(pr.id, decision.headSha, now);
    const run = decision.run;
    if (!run) return { outcome: "stored", run: null, clone: null };
    if (run.autofix && pr) d.pullRequests.countAutofix(pr.id, now);
    const eventId = `gh-${run.autofix ? "auto-" : ""}${g.delivery}`;
    if (run.conversation) return { outcome: "stored", run: { ...run, conversation: run.conversation, eventId }, clone: null };
    // No conversation has the repository: a new one clones it, and the run starts once it is there.
    const name = conversationNameFor(repo, (n) => d.conversations.repo.byName(n) !== null);
    const url = g.parsed.cloneUrl ?? `https://github.com/${g.parsed.repo}.git`;
    const workspace = d.newWorkspaceId();
    const created = d.conversations.repo.create({ name, workspace, repoUrl: url, branch: null, status: "cloning", now });
    d.outboxRepo.add({ dedupeKey: outboxKeys.github(g.delivery), body: cloningForEvent(run.origin, g.parsed.repo, name), now });
    return { outcome: "stored", run: { ...run, conversation: name, eventId }, clone: { kind: "clone", conversationId: created.id, workspace, url, branch: null, stayCurrent: true } };
  });
}

/** A tapped "Fix it" or "Later": what to tell the user now, and the run "Fix it" starts (null: none). */
export function answerGithubTap(d: Pick<GithubDeps, "github">, tap: { answer: "fix" | "later"; delivery: string }): { text: string | null; run: GithubRun | null } {
  if (tap.answer === "later") return { text: FIX_LATER, run: null };
  const fix = detailOf(FixDetail, d.github.get(tap.delivery))?.fix;
  return fix ? { text: null, run: { ...fix, label: fix.label ?? fix.origin, repo: fix.repo ?? null, eventId: `gh-fix-${tap.delivery}` } } : { text: fixGone, run: null };
}

/** The relay's pull request an event is about, if it opened one. */
function prOf(d: GithubDeps, repo: string, p: ParsedDelivery): PullRequest | null {
  const e = p.event;
  switch (e.kind) {
    case "check_suite":
      return e.prNumbers.map((n) => d.pullRequests.byNumber(repo, n)).find((pr) => pr !== null) ?? (e.headBranch ? d.pullRequests.openByBranch(repo, e.headBranch) : null);
    case "pull_request":
    case "review":
    case "review_comment":
      return d.pullRequests.byNumber(repo, e.number);
    case "issue_comment":
    case "issue":
      return e.isPullRequest ? d.pullRequests.byNumber(repo, e.number) : null;
    default:
      return null;
  }
}

function factsOf(d: GithubDeps, repo: string, p: ParsedDelivery, row: PullRequest | null): GithubFacts {
  const e = p.event;
  const conversation = row ? d.conversations.repo.get(row.conversationId) : null;
  const pr: PrFacts | null = row && conversation ? { ...row, repo: p.repo, conversation: conversation.name, autofix: d.github.autofixOn(row.conversationId) } : null;
  const facts: GithubFacts = { pr, failedChecks: [], lastSuiteConclusion: null, reviewComments: [], reviewTold: false, repoConversation: null, authorCanWrite: false };
  if (e.kind === "check_suite" && pr) {
    const latest = new Map<string, FailedCheck & { conclusion: string | null }>();
    for (const run of d.github.byRef(repo, "check_run", e.headSha)) {
      const c = detailOf(CheckDetail, run);
      if (c) latest.set(c.name, c);
    }
    facts.failedChecks = [...latest.values()].filter((c) => c.conclusion !== null && FAILED.has(c.conclusion)).map(({ name, summary }) => ({ name, summary }));
    facts.lastSuiteConclusion = detailOf(SuiteDetail, d.github.lastAbout(repo, "check_suite", pr.number))?.conclusion ?? null;
  }
  if (e.kind === "review") facts.reviewComments = d.github.byRef(repo, "pull_request_review_comment", String(e.reviewId)).map((c) => detailOf(CommentDetail, c)).filter((c): c is ReviewComment => c !== null);
  if (e.kind === "review_comment" && e.reviewId !== null) facts.reviewTold = d.github.byRef(repo, "pull_request_review", String(e.reviewId)).length > 0;
  if (e.kind === "issue" || e.kind === "issue_comment") facts.repoConversation = pr?.conversation ?? conversationOfRepo(d.conversations.repo.list(), repo);
  return facts;
}

/** A conversation whose project is a clone of `repo`: a ready one first, then the most recently active. */
function conversationOfRepo(all: readonly Conversation[], repo: string): string | null {
  const ofRepo = all.filter((c) => repoOfUrl(c.repoUrl) === repo).sort((a, b) => Number(a.status !== "ready") - Number(b.status !== "ready") || b.lastActiveAt - a.lastActiveAt);
  return ofRepo[0]?.name ?? null;
}
