// What one GitHub event means for a user, decided from the event and the facts the object loaded:
// what to keep for later events, what to tell the user (with a "Fix it" button and the run it
// starts), a pull request's new state, and a run to start. Pure: the object carries it out.
import type { GithubEvent } from "./github-events";
import {
  approvedText,
  AUTOFIX_MAX,
  ciFailedText,
  ciFixPrompt,
  ciGreenText,
  closedText,
  type FailedCheck,
  issuePrompt,
  mergedText,
  bareChangesRequestedText,
  reviewCommentText,
  type ReviewComment,
  reviewFixPrompt,
  reviewText,
} from "./github-replies";

/** The relay's pull request the event is about, with its conversation's name. */
export type PrFacts = { repo: string; number: number; url: string; branch: string; state: "open" | "closed" | "merged"; conversation: string; autofix: boolean; autofixCount: number };

export type GithubFacts = {
  /** The relay's pull request this event is about; null: not one it opened (the event is only recorded). */
  pr: PrFacts | null;
  /** check_suite: the failed check runs recorded for its head SHA (the latest of each name). */
  failedChecks: FailedCheck[];
  /** check_suite: the result of the pull request's previous suite, if any. */
  lastSuiteConclusion: string | null;
  /** review: its comments recorded so far; review_comment: whether its review was told already. */
  reviewComments: ReviewComment[];
  reviewTold: boolean;
  /** issues, issue_comment: a conversation working on this repository (the pull request's first), or null. */
  repoConversation: string | null;
  /**
   * issue_comment with `/agent`: whether GitHub said its author may write to the repository
   * (collaborator permission write, maintain or admin). Anything else, an unanswered check
   * included, starts nothing.
   */
  authorCanWrite: boolean;
};

/**
 * A run the user may start with "Fix it" (kept with the notice), or that starts now. `label` names
 * the event in the run's replies and prompts ("acme/api#12 issue"); `repo` is the repository whose
 * `/github trust` lets it run in the conversation's approval mode.
 */
export type RunRequest = { conversation: string; prompt: string; origin: string; label: string; repo: string };

export type GithubDecision = {
  /** Kept with the delivery for later events: what it is about, what groups it, its facts. */
  keep: { number: number | null; ref: string | null; detail: Record<string, unknown> | null };
  say: { text: string; fix: RunRequest | null } | null;
  prState: "open" | "closed" | "merged" | null;
  headSha: string | null;
  /** A run to start now; `conversation` null: clone the repository first. `autofix`: counts against the cap. */
  run: (Omit<RunRequest, "conversation"> & { conversation: string | null; autofix: boolean }) | null;
};

const FAILED = new Set(["failure", "timed_out"]);
const PASSED = new Set(["success", "neutral", "skipped"]);
/** Associations that may hold write access; the permission check (authorCanWrite) decides. */
const COLLABORATORS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);
/** `/agent` as the comment's first word. */
const AGENT_COMMAND = /^\s*\/agent(?:\s+|$)/i;

/**
 * A comment that asks for a run, from an author who may have write access: the object then asks
 * GitHub (through the VM, which holds the token) whether they have it, before deciding.
 */
export function asksForAgent(e: GithubEvent): e is Extract<GithubEvent, { kind: "issue_comment" }> {
  return e.kind === "issue_comment" && e.action === "created" && AGENT_COMMAND.test(e.body) && COLLABORATORS.has(e.association);
}

const nothing = (keep: GithubDecision["keep"] = { number: null, ref: null, detail: null }): GithubDecision => ({ keep, say: null, prState: null, headSha: null, run: null });

/** How a run's replies name the event that started it: `acme/api#12 issue`. */
export const eventLabel = (repo: string, number: number, what: "issue" | "comment" | "CI" | "autofix" | "review") => `${repo}#${number} ${what}`;

export function decideGithubEvent(repo: string, e: GithubEvent, f: GithubFacts): GithubDecision {
  const pr = f.pr;
  const lower = repo.toLowerCase();
  switch (e.kind) {
    case "check_run":
      // Read when its suite completes: the failed checks' names and summaries.
      return nothing(e.action === "completed" ? { number: null, ref: e.headSha, detail: { name: e.name, conclusion: e.conclusion, summary: e.summary } } : undefined);
    case "check_suite": {
      if (e.action !== "completed" || !pr) return nothing();
      const keep = { number: pr.number, ref: e.headSha, detail: { conclusion: e.conclusion } };
      if (pr.state !== "open") return nothing(keep);
      if (e.conclusion && FAILED.has(e.conclusion)) {
        const fix = { conversation: pr.conversation, prompt: ciFixPrompt(pr, f.failedChecks), origin: `GitHub: CI failed on ${repo}#${pr.number}`, label: eventLabel(repo, pr.number, "CI"), repo: lower };
        if (pr.autofix && pr.autofixCount < AUTOFIX_MAX) {
          return { ...nothing(keep), say: { text: ciFailedText(pr, f.failedChecks, { started: pr.autofixCount + 1 }), fix: null }, run: { ...fix, origin: `Autofix ${pr.autofixCount + 1}/${AUTOFIX_MAX} of ${repo}#${pr.number}`, label: eventLabel(repo, pr.number, "autofix"), autofix: true } };
        }
        return { ...nothing(keep), say: { text: ciFailedText(pr, f.failedChecks, pr.autofix ? { stopped: true } : null), fix } };
      }
      if (e.conclusion && PASSED.has(e.conclusion) && f.lastSuiteConclusion && FAILED.has(f.lastSuiteConclusion)) return { ...nothing(keep), say: { text: ciGreenText(pr), fix: null } };
      return nothing(keep);
    }
    case "pull_request": {
      if (!pr) return nothing();
      if (e.action === "closed") {
        if (pr.state !== "open") return nothing();
        return { ...nothing(), prState: e.merged ? "merged" : "closed", say: { text: e.merged ? mergedText(pr) : closedText(pr), fix: null } };
      }
      if (e.action === "reopened") return { ...nothing(), prState: "open", headSha: e.headSha };
      if (e.action === "synchronize" || e.action === "opened") return { ...nothing(), headSha: e.headSha };
      return nothing();
    }
    case "review": {
      if (e.action !== "submitted" || !pr) return nothing();
      const keep = { number: pr.number, ref: String(e.reviewId), detail: null };
      if (e.state === "approved") return { ...nothing(keep), say: { text: approvedText(pr, e.reviewer), fix: null } };
      // A lone comment on a line arrives as a "commented" review without text: its comment speaks for it.
      if (!e.body.trim() && f.reviewComments.length === 0) {
        // Changes requested without a word: still said (the pull request is blocked on it), but with nothing for the agent to fix.
        return e.state === "changes_requested" ? { ...nothing(keep), say: { text: bareChangesRequestedText({ ...pr, url: e.url }, e.reviewer), fix: null } } : nothing(keep);
      }
      const fix = { conversation: pr.conversation, prompt: reviewFixPrompt(pr, { reviewer: e.reviewer, body: e.body }, f.reviewComments), origin: `GitHub: @${e.reviewer}'s review of ${repo}#${pr.number}`, label: eventLabel(repo, pr.number, "review"), repo: lower };
      return { ...nothing(keep), say: { text: reviewText({ ...pr, url: e.url }, e, f.reviewComments), fix } };
    }
    case "review_comment": {
      if (e.action !== "created" || !pr) return nothing();
      const comment: ReviewComment = { author: e.author, path: e.path, line: e.line, body: e.body };
      const keep = { number: pr.number, ref: e.reviewId === null ? null : String(e.reviewId), detail: comment };
      // Its review, when told already, did not carry it: it is told alone. Otherwise its review tells it.
      if (e.reviewId !== null && !f.reviewTold) return nothing(keep);
      const fix = { conversation: pr.conversation, prompt: reviewFixPrompt(pr, { reviewer: e.author, body: "" }, [comment]), origin: `GitHub: @${e.author}'s comment on ${repo}#${pr.number}`, label: eventLabel(repo, pr.number, "review"), repo: lower };
      return { ...nothing(keep), say: { text: reviewCommentText(pr, comment), fix } };
    }
    case "issue": {
      if (e.action !== "labeled" || e.label?.toLowerCase() !== "agent") return nothing();
      const origin = `GitHub: ${repo}#${e.number} labelled agent`;
      return { ...nothing({ number: e.number, ref: null, detail: null }), run: { conversation: f.repoConversation, origin, label: eventLabel(repo, e.number, "issue"), repo: lower, autofix: false, prompt: issuePrompt({ repo, ...e, by: e.sender, how: "labelled" }) } };
    }
    case "issue_comment": {
      if (!asksForAgent(e) || !f.authorCanWrite) return nothing();
      const body = e.body.replace(AGENT_COMMAND, "");
      const origin = `GitHub: @${e.author}'s /agent on ${repo}#${e.number}`;
      return { ...nothing({ number: e.number, ref: null, detail: null }), run: { conversation: f.repoConversation, origin, label: eventLabel(repo, e.number, "comment"), repo: lower, autofix: false, prompt: issuePrompt({ repo, ...e, body, by: e.author, how: "comment" }) } };
    }
    case "other":
      return nothing();
  }
}

