// Check runs and check suites (what CI reports on a commit) and pull request reviews with their
// comments, as GitHub's REST API has them.
import { Hono } from "hono";
import { z } from "zod";
import { DOCS_URLS, GithubErrors, invalidField } from "../core/errors";
import { checkRunJson, checkSuiteJson, reviewCommentJson, reviewJson, type CheckRun, type Repo, type ReviewState } from "../core/resources";
import { bareDirOf, branchSha, pullDiff, resolveCommit } from "../shell/git-backend";
import { commentableLines, reviewThreadProblem } from "../core/diff-lines";
import type { GithubContext } from "../context";
import { checkCompleted, reviewSubmitted } from "../shell/events";
import { accountNamed, bodyOf, GithubFailure, page, repoFor, type GithubEnv } from "./http";

const Conclusion = z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required", "stale"]);
const Output = z.object({ title: z.string(), summary: z.string(), text: z.string().optional() });
const CheckRunFields = {
  name: z.string().min(1),
  details_url: z.string().optional(),
  external_id: z.string().optional(),
  status: z.enum(["queued", "in_progress", "completed"]).optional(),
  conclusion: Conclusion.optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  output: Output.optional(),
};
const CreateCheckRunSchema = z.object({ ...CheckRunFields, head_sha: z.string().min(1) });
const UpdateCheckRunSchema = z.object(CheckRunFields).partial();
const ReviewSchema = z.object({
  body: z.string().optional(),
  event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]),
  commit_id: z.string().optional(),
  comments: z.array(z.object({
    path: z.string().min(1),
    body: z.string().min(1),
    line: z.number().int().positive().optional(),
    // GitHub: RIGHT (added or context lines, the head's numbers) unless LEFT (removed or context, the base's).
    side: z.enum(["LEFT", "RIGHT"]).optional(),
    start_line: z.number().int().positive().optional(),
    start_side: z.enum(["LEFT", "RIGHT"]).optional(),
    position: z.number().int().positive().optional(),
  })).optional(),
});
const REVIEW_STATES: Record<"APPROVE" | "REQUEST_CHANGES" | "COMMENT", ReviewState> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };

/** The commit's check suite, made with its first run (named after the open pull request's branch that has it). */
export function suiteOf(ctx: GithubContext, key: string, sha: string) {
  let suite = ctx.checkSuites.find((s) => s.repo === key && s.headSha === sha);
  if (!suite) {
    suite = { id: ctx.nextId(), repo: key, headSha: sha, headBranch: ctx.pulls.find((p) => p.repo === key && p.headSha === sha)?.head ?? null };
    ctx.checkSuites.push(suite);
  }
  return suite;
}

export function checksApi(ctx: GithubContext): Hono<GithubEnv> {
  const app = new Hono<GithubEnv>();
  const keyOf = (repo: Repo) => `${repo.owner}/${repo.name}`.toLowerCase();
  const suiteView = (suiteId: number) => {
    const suite = ctx.checkSuites.find((s) => s.id === suiteId);
    return suite ? checkSuiteJson(ctx.urls, suite, ctx.checkRuns.filter((run) => run.suiteId === suite.id)) : null;
  };
  /** A completed run without a conclusion is refused, as GitHub does. */
  const settle = (run: CheckRun, input: z.infer<typeof UpdateCheckRunSchema>, at: number) => {
    if (input.name !== undefined) run.name = input.name;
    if (input.details_url !== undefined) run.detailsUrl = input.details_url;
    if (input.external_id !== undefined) run.externalId = input.external_id;
    if (input.output) run.output = { title: input.output.title, summary: input.output.summary, text: input.output.text ?? null };
    if (input.conclusion !== undefined) {
      run.conclusion = input.conclusion;
      run.status = "completed";
    } else if (input.status !== undefined) run.status = input.status;
    if (run.status === "completed" && run.conclusion === null) throw new GithubFailure(invalidField(DOCS_URLS.createCheckRun, "CheckRun", "conclusion", "missing_field"));
    run.completedAt = run.status === "completed" ? (input.completed_at ? Date.parse(input.completed_at) : at) : null;
  };

  app.post("/repos/:owner/:repo/check-runs", async (c) => {
    const repo = repoFor(ctx, c, "write", DOCS_URLS.createCheckRun);
    const input = await bodyOf(c, CreateCheckRunSchema, DOCS_URLS.createCheckRun);
    const sha = await resolveCommit(bareDirOf(ctx.root, repo.owner, repo.name), input.head_sha);
    if (!sha) throw new GithubFailure(invalidField(DOCS_URLS.createCheckRun, "CheckRun", "head_sha"));
    const key = keyOf(repo);
    const suite = suiteOf(ctx, key, sha);
    const at = ctx.now();
    const run: CheckRun = {
      id: ctx.nextId(), repo: key, suiteId: suite.id, name: input.name, headSha: sha, status: "queued", conclusion: null,
      output: { title: null, summary: null, text: null }, detailsUrl: null, externalId: null, startedAt: input.started_at ? Date.parse(input.started_at) : at, completedAt: null,
    };
    settle(run, input, at);
    ctx.checkRuns.push(run);
    if (run.status === "completed") void checkCompleted(ctx, repo, run, c.get("account").login);
    return c.json(checkRunJson(ctx.urls, run), 201);
  });

  const findRun = (repo: Repo, id: string) => {
    const run = ctx.checkRuns.find((r) => r.repo === keyOf(repo) && String(r.id) === id);
    if (!run) throw new GithubFailure(GithubErrors.notFound("https://docs.github.com/rest/checks/runs#get-a-check-run"));
    return run;
  };
  app.get("/repos/:owner/:repo/check-runs/:id{[0-9]+}", (c) => c.json(checkRunJson(ctx.urls, findRun(repoFor(ctx, c, "read"), c.req.param("id")))));
  app.patch("/repos/:owner/:repo/check-runs/:id{[0-9]+}", async (c) => {
    const repo = repoFor(ctx, c, "write", DOCS_URLS.createCheckRun);
    const run = findRun(repo, c.req.param("id"));
    const was = run.status;
    settle(run, await bodyOf(c, UpdateCheckRunSchema, DOCS_URLS.createCheckRun), ctx.now());
    if (run.status === "completed" && was !== "completed") void checkCompleted(ctx, repo, run, c.get("account").login);
    return c.json(checkRunJson(ctx.urls, run));
  });

  /** `ref`: a SHA or a branch. */
  const shaOf = async (repo: Repo, ref: string) => {
    const bare = bareDirOf(ctx.root, repo.owner, repo.name);
    const sha = (await branchSha(bare, ref)) ?? (await resolveCommit(bare, ref));
    if (!sha) throw new GithubFailure(GithubErrors.validation("https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference", [{ resource: "Commit", field: "ref", code: "invalid", message: `No commit found for SHA: ${ref}` }]));
    return sha;
  };
  app.get("/repos/:owner/:repo/commits/:ref/check-runs", async (c) => {
    const repo = repoFor(ctx, c, "read");
    const sha = await shaOf(repo, c.req.param("ref"));
    const runs = ctx.checkRuns.filter((run) => run.repo === keyOf(repo) && run.headSha === sha && (!c.req.query("check_name") || run.name === c.req.query("check_name")) && (!c.req.query("status") || run.status === c.req.query("status")));
    return c.json({ total_count: runs.length, check_runs: page(c, runs).map((run) => checkRunJson(ctx.urls, run)) });
  });
  app.get("/repos/:owner/:repo/commits/:ref/check-suites", async (c) => {
    const repo = repoFor(ctx, c, "read");
    const sha = await shaOf(repo, c.req.param("ref"));
    const suites = ctx.checkSuites.filter((suite) => suite.repo === keyOf(repo) && suite.headSha === sha);
    return c.json({ total_count: suites.length, check_suites: page(c, suites).map((suite) => suiteView(suite.id)) });
  });
  app.get("/repos/:owner/:repo/check-suites/:id{[0-9]+}", (c) => {
    const repo = repoFor(ctx, c, "read");
    const suite = ctx.checkSuites.find((s) => s.repo === keyOf(repo) && String(s.id) === c.req.param("id"));
    if (!suite) throw new GithubFailure(GithubErrors.notFound("https://docs.github.com/rest/checks/suites#get-a-check-suite"));
    return c.json(suiteView(suite.id));
  });
  app.get("/repos/:owner/:repo/check-suites/:id{[0-9]+}/check-runs", (c) => {
    const repo = repoFor(ctx, c, "read");
    const runs = ctx.checkRuns.filter((run) => run.repo === keyOf(repo) && String(run.suiteId) === c.req.param("id"));
    return c.json({ total_count: runs.length, check_runs: page(c, runs).map((run) => checkRunJson(ctx.urls, run)) });
  });

  const pullOf = (repo: Repo, number: string) => {
    const pull = ctx.pulls.find((p) => p.repo === keyOf(repo) && String(p.number) === number);
    if (!pull) throw new GithubFailure(GithubErrors.notFound("https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request"));
    return pull;
  };
  app.post("/repos/:owner/:repo/pulls/:number{[0-9]+}/reviews", async (c) => {
    const repo = repoFor(ctx, c, "read", DOCS_URLS.createReview);
    const pull = pullOf(repo, c.req.param("number"));
    const input = await bodyOf(c, ReviewSchema, DOCS_URLS.createReview);
    const login = c.get("account").login;
    // GitHub: "Can not approve your own pull request" / "Can not request changes on your own pull request".
    if (input.event !== "COMMENT" && login.toLowerCase() === pull.user.toLowerCase()) {
      throw new GithubFailure(GithubErrors.validation(DOCS_URLS.createReview, [`Can not ${input.event === "APPROVE" ? "approve" : "request changes on"} your own pull request`]));
    }
    if ((input.event !== "APPROVE") && !input.body && !input.comments?.length) throw new GithubFailure(invalidField(DOCS_URLS.createReview, "PullRequestReview", "body", "missing_field"));
    // An open pull request's head follows its branch; a comment's line must be in its diff, else the whole review is refused.
    const bare = bareDirOf(ctx.root, repo.owner, repo.name);
    if (pull.state === "open") pull.headSha = (await branchSha(bare, pull.head)) ?? pull.headSha;
    const lined = (input.comments ?? []).filter((comment) => comment.line !== undefined);
    if (lined.length > 0) {
      const lines = commentableLines((await pullDiff(bare, pull.baseSha, pull.headSha)) ?? "");
      const problem = lined.map((comment) => reviewThreadProblem(lines, { path: comment.path, line: comment.line!, side: comment.side ?? "RIGHT" })).find((p) => p !== null);
      if (problem) throw new GithubFailure(GithubErrors.unprocessable(DOCS_URLS.createReview, [problem]));
    }
    const at = ctx.now();
    const review = { id: ctx.nextId(), repo: keyOf(repo), number: pull.number, user: login, body: input.body ?? "", state: REVIEW_STATES[input.event], commitId: input.commit_id ?? pull.headSha, submittedAt: at };
    ctx.reviews.push(review);
    const comments = (input.comments ?? []).map((comment) => ({ id: ctx.nextId(), reviewId: review.id, repo: review.repo, number: pull.number, path: comment.path, line: comment.line ?? null, side: comment.line === undefined ? null : (comment.side ?? "RIGHT"), body: comment.body, user: login, commitId: review.commitId, createdAt: at }));
    ctx.reviewComments.push(...comments);
    void reviewSubmitted(ctx, repo, pull, review, comments);
    // GitHub answers a created review with 200, not 201.
    return c.json(reviewJson(ctx.urls, review, c.get("account")), 200);
  });
  app.get("/repos/:owner/:repo/pulls/:number{[0-9]+}/reviews", (c) => {
    const repo = repoFor(ctx, c, "read");
    const pull = pullOf(repo, c.req.param("number"));
    const listed = ctx.reviews.filter((r) => r.repo === keyOf(repo) && r.number === pull.number);
    return c.json(page(c, listed).map((r) => reviewJson(ctx.urls, r, accountNamed(ctx, r.user))));
  });
  app.get("/repos/:owner/:repo/pulls/:number{[0-9]+}/comments", (c) => {
    const repo = repoFor(ctx, c, "read");
    const pull = pullOf(repo, c.req.param("number"));
    const listed = ctx.reviewComments.filter((r) => r.repo === keyOf(repo) && r.number === pull.number);
    return c.json(page(c, listed).map((r) => reviewCommentJson(ctx.urls, r, accountNamed(ctx, r.user))));
  });

  return app;
}
