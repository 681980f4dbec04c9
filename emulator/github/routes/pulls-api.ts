// Pull requests (create, get, list, update) and their issue comments, as GitHub's REST API has them.
import { Hono } from "hono";
import { z } from "zod";
import { permissionOf } from "../core/access";
import { DOCS_URLS, GithubErrors, invalidField, noCommitsBetween, pullExists } from "../core/errors";
import { issueCommentJson, pullJson, repoJson, type Pull, type Repo } from "../core/resources";
import { bareDirOf, branchSha, commitsAhead } from "../shell/git-backend";
import type { GithubContext } from "../context";
import { commentCreated, issueView, pullEvent } from "../shell/events";
import { accountNamed, bodyOf, GithubFailure, page, repoFor, type GithubEnv } from "./http";

const CreatePullSchema = z.object({ title: z.string().min(1), head: z.string().min(1), base: z.string().min(1), body: z.string().nullable().optional(), draft: z.boolean().optional() });
const UpdatePullSchema = z.object({ title: z.string().min(1).optional(), body: z.string().nullable().optional(), state: z.enum(["open", "closed"]).optional(), base: z.string().min(1).optional() });
const CommentSchema = z.object({ body: z.string().min(1) });

/** `owner:branch` or `branch`: the branch, when the owner is the repository's (forks are not emulated). */
function headBranchOf(repo: Repo, head: string): string | null {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : null;
}

export function pullsApi(ctx: GithubContext): Hono<GithubEnv> {
  const app = new Hono<GithubEnv>();
  const repoView = (repo: Repo, login: string) => repoJson(ctx.urls, repo, accountNamed(ctx, repo.owner), permissionOf(repo, login));
  const findPull = (repo: Repo, number: string): Pull => {
    const pull = ctx.pulls.find((p) => p.repo === `${repo.owner}/${repo.name}`.toLowerCase() && String(p.number) === number);
    if (!pull) throw new GithubFailure(GithubErrors.notFound("https://docs.github.com/rest/pulls/pulls#get-a-pull-request"));
    return pull;
  };
  /** An open pull request's head follows its branch, as on GitHub. */
  const fresh = async (repo: Repo, pull: Pull): Promise<Pull> => {
    if (pull.state !== "open") return pull;
    const bare = bareDirOf(ctx.root, repo.owner, repo.name);
    pull.headSha = (await branchSha(bare, pull.head)) ?? pull.headSha;
    pull.baseSha = (await branchSha(bare, pull.base)) ?? pull.baseSha;
    return pull;
  };
  const view = (repo: Repo, pull: Pull, login: string) => pullJson(ctx.urls, pull, repoView(repo, login), accountNamed(ctx, pull.user));

  app.post("/repos/:owner/:repo/pulls", async (c) => {
    const repo = repoFor(ctx, c, "write", DOCS_URLS.createPull);
    const input = await bodyOf(c, CreatePullSchema, DOCS_URLS.createPull);
    const bare = bareDirOf(ctx.root, repo.owner, repo.name);
    const head = headBranchOf(repo, input.head);
    const headSha = head ? await branchSha(bare, head) : null;
    if (!head || !headSha) throw new GithubFailure(invalidField(DOCS_URLS.createPull, "PullRequest", "head"));
    const baseSha = await branchSha(bare, input.base);
    if (!baseSha) throw new GithubFailure(invalidField(DOCS_URLS.createPull, "PullRequest", "base"));
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    if (ctx.pulls.some((p) => p.repo === key && p.state === "open" && p.head === head && p.base === input.base)) throw new GithubFailure(pullExists(`${repo.owner}:${head}`));
    if ((await commitsAhead(bare, baseSha, headSha)) === 0) throw new GithubFailure(noCommitsBetween(input.base, head));
    const at = ctx.now();
    const pull: Pull = {
      id: ctx.nextId(), repo: key, number: ctx.nextNumber(key), title: input.title, body: input.body ?? null, user: c.get("account").login,
      head, base: input.base, headSha, baseSha, draft: input.draft ?? false, state: "open", merged: false, createdAt: at, updatedAt: at, closedAt: null, mergedAt: null,
    };
    ctx.pulls.push(pull);
    void pullEvent(ctx, repo, pull, "opened", pull.user);
    c.header("location", `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`);
    return c.json(view(repo, pull, c.get("account").login), 201);
  });

  app.get("/repos/:owner/:repo/pulls", async (c) => {
    const repo = repoFor(ctx, c, "read");
    const state = c.req.query("state") ?? "open";
    const head = c.req.query("head");
    const base = c.req.query("base");
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    const chosen = ctx.pulls
      .filter((p) => p.repo === key && (state === "all" || p.state === state))
      .filter((p) => !head || `${repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase())
      .filter((p) => !base || p.base === base)
      .sort((a, b) => (c.req.query("direction") === "asc" ? a.number - b.number : b.number - a.number));
    const listed = await Promise.all(page(c, chosen).map((p) => fresh(repo, p)));
    return c.json(listed.map((p) => view(repo, p, c.get("account").login)));
  });

  app.get("/repos/:owner/:repo/pulls/:number{[0-9]+}", async (c) => {
    const repo = repoFor(ctx, c, "read");
    return c.json(view(repo, await fresh(repo, findPull(repo, c.req.param("number"))), c.get("account").login));
  });

  app.patch("/repos/:owner/:repo/pulls/:number{[0-9]+}", async (c) => {
    const repo = repoFor(ctx, c, "write", DOCS_URLS.updatePull);
    const pull = await fresh(repo, findPull(repo, c.req.param("number")));
    const input = await bodyOf(c, UpdatePullSchema, DOCS_URLS.updatePull);
    if (pull.merged && input.state === "open") throw new GithubFailure(GithubErrors.validation(DOCS_URLS.updatePull, [{ resource: "PullRequest", code: "custom", message: "state cannot be changed. The pull request has been merged." }]));
    if (input.base && !(await branchSha(bareDirOf(ctx.root, repo.owner, repo.name), input.base))) throw new GithubFailure(invalidField(DOCS_URLS.updatePull, "PullRequest", "base"));
    const at = ctx.now();
    if (input.title !== undefined) pull.title = input.title;
    if (input.body !== undefined) pull.body = input.body;
    if (input.base !== undefined) pull.base = input.base;
    const stateChanged = input.state !== undefined && input.state !== pull.state;
    if (stateChanged) {
      pull.state = input.state!;
      pull.closedAt = input.state === "closed" ? at : null;
    }
    pull.updatedAt = at;
    void pullEvent(ctx, repo, pull, stateChanged ? (pull.state === "closed" ? "closed" : "reopened") : "edited", c.get("account").login);
    return c.json(view(repo, pull, c.get("account").login));
  });

  // A pull request is an issue: its conversation's comments are issue comments.
  app.get("/repos/:owner/:repo/issues/:number{[0-9]+}/comments", (c) => {
    const repo = repoFor(ctx, c, "read");
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    const listed = ctx.issueComments.filter((comment) => comment.repo === key && String(comment.number) === c.req.param("number"));
    return c.json(page(c, listed).map((comment) => issueCommentJson(ctx.urls, comment, accountNamed(ctx, comment.user))));
  });

  app.post("/repos/:owner/:repo/issues/:number{[0-9]+}/comments", async (c) => {
    const repo = repoFor(ctx, c, "read", DOCS_URLS.createComment);
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    // An issue's or a pull request's conversation.
    if (!issueView(ctx, repo, Number(c.req.param("number")))) throw new GithubFailure(GithubErrors.notFound(DOCS_URLS.createComment));
    const { body } = await bodyOf(c, CommentSchema, DOCS_URLS.createComment);
    const at = ctx.now();
    const comment = { id: ctx.nextId(), repo: key, number: Number(c.req.param("number")), body, user: c.get("account").login, createdAt: at, updatedAt: at };
    ctx.issueComments.push(comment);
    void commentCreated(ctx, repo, comment);
    return c.json(issueCommentJson(ctx.urls, comment, c.get("account")), 201);
  });

  return app;
}
