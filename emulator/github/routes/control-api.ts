// The stand-in's own routes under /__github/ (not GitHub's; no token): register a webhook, and make
// happen what people and CI do on GitHub (a check that fails or passes on a pull request's head, a
// review with comments on lines, an issue opened or labelled, a comment, a pull request closed or
// merged), each told to the repository's webhooks; list deliveries and redeliver one.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { CheckRun, Issue, Pull, Repo } from "../core/resources";
import { HOOK_EVENTS } from "../core/webhook-payloads";
import { repoKeyOf, type GithubContext } from "../context";
import { checkCompleted, commentCreated, issueLabeled, issueOpened, issueView, pullEvent, reviewSubmitted } from "../shell/events";
import { bareDirOf, branchSha } from "../shell/git-backend";
import { redeliver, type DeliveryRecord } from "../shell/webhooks";
import { suiteOf } from "./checks-api";
import { addHook } from "./hooks-api";

const Login = z.string().regex(/^[A-Za-z0-9-]{1,39}$/);
const HookSchema = z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().optional(), events: z.array(z.string().min(1)).default([...HOOK_EVENTS]), contentType: z.enum(["json", "form"]).default("json") });
const CheckSchema = z.object({
  conclusion: z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]),
  name: z.string().min(1).default("test"),
  title: z.string().optional(),
  summary: z.string().optional(),
  text: z.string().optional(),
});
const ReviewSchema = z.object({
  by: Login.optional(),
  event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]).optional(),
  body: z.string().default(""),
  comments: z.array(z.object({ path: z.string().min(1), line: z.number().int().positive(), body: z.string().min(1) })).default([]),
});
const IssueSchema = z.object({ title: z.string().min(1), body: z.string().optional(), by: Login.optional(), labels: z.array(z.string().min(1)).default([]) });
const LabelSchema = z.object({ label: z.string().min(1), by: Login.optional() });
const CommentSchema = z.object({ body: z.string().min(1), by: Login.optional() });
const CloseSchema = z.object({ merged: z.boolean().default(false), by: Login.optional() });

class ControlError extends Error {
  readonly status: 400 | 404;
  constructor(status: 400 | 404, message: string) {
    super(message);
    this.status = status;
  }
}

async function input<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const parsed = schema.safeParse(await c.req.json().catch(() => ({})));
  if (!parsed.success) throw new ControlError(400, z.prettifyError(parsed.error));
  return parsed.data;
}

/** A delivery as the controls show it: what was sent (the payload parsed back) and what came back. */
function shown(d: DeliveryRecord) {
  const json = d.body.startsWith("payload=") ? decodeURIComponent(d.body.slice("payload=".length)) : d.body;
  return { id: d.id, guid: d.guid, hookId: d.hookId, repo: d.repo, event: d.event, action: d.action, redelivery: d.redelivery, statusCode: d.statusCode, error: d.error, response: d.response, payload: JSON.parse(json) as unknown };
}

export function controlApi(ctx: GithubContext): Hono {
  const app = new Hono();
  const repoOf = (c: Context): Repo => {
    const repo = ctx.repos.get(repoKeyOf(c.req.param("owner") ?? "", c.req.param("repo") ?? ""));
    if (!repo) throw new ControlError(404, "no such repository");
    return repo;
  };
  const keyOf = (repo: Repo) => `${repo.owner}/${repo.name}`.toLowerCase();
  const pullOf = async (repo: Repo, number: string): Promise<Pull> => {
    const pull = ctx.pulls.find((p) => p.repo === keyOf(repo) && String(p.number) === number);
    if (!pull) throw new ControlError(404, "no such pull request");
    // Its head follows its branch, as on GitHub: a check is on what was pushed last.
    if (pull.state === "open") pull.headSha = (await branchSha(bareDirOf(ctx.root, repo.owner, repo.name), pull.head)) ?? pull.headSha;
    return pull;
  };
  const issueOf = (repo: Repo, number: string): Issue => {
    const issue = ctx.issues.find((i) => i.repo === keyOf(repo) && String(i.number) === number);
    if (!issue) throw new ControlError(404, "no such issue");
    return issue;
  };
  /** Someone of the repository other than its owner, for a review (one cannot request changes on one's own pull request). */
  const reviewer = (repo: Repo) => Object.keys(repo.collaborators)[0] ?? repo.owner;
  const sent = (c: Context, what: Record<string, unknown>, deliveries: DeliveryRecord[], status: 200 | 201 = 201) => c.json({ ...what, deliveries: deliveries.map(shown) }, status);

  app.get("/", (c) => c.json({ ok: true, standIn: "github", repos: [...ctx.repos.values()].map((r) => `${r.owner}/${r.name}`) }));

  app.post("/repos/:owner/:repo/hooks", async (c) => {
    const repo = repoOf(c);
    const hook = await input(c, HookSchema);
    const { hook: made, pinged } = addHook(ctx, repo, { config: { url: hook.url, secret: hook.secret, content_type: hook.contentType }, events: hook.events, active: true }, repo.owner);
    return sent(c, { hook: { id: made.id, url: made.url, events: made.events, contentType: made.contentType } }, [await pinged]);
  });
  app.get("/hooks", (c) => c.json(ctx.hooks.map(({ secret: _, ...hook }) => hook)));

  app.get("/deliveries", (c) => {
    const { repo, event } = c.req.query();
    return c.json(ctx.deliveries.filter((d) => (!repo || d.repo === repo.toLowerCase()) && (!event || d.event === event)).map(shown));
  });
  app.post("/deliveries/:id{[0-9]+}/redeliver", async (c) => {
    const again = redeliver(ctx, Number(c.req.param("id")));
    if (!again) throw new ControlError(404, "no such delivery, or its hook was deleted");
    return c.json(shown(await again), 201);
  });

  app.post("/repos/:owner/:repo/pulls/:number{[0-9]+}/checks", async (c) => {
    const repo = repoOf(c);
    const pull = await pullOf(repo, c.req.param("number"));
    const check = await input(c, CheckSchema);
    const at = ctx.now();
    const summary = check.summary ?? (check.conclusion === "failure" ? `1 test failed: ${check.name}` : `All tests passed: ${check.name}`);
    const run: CheckRun = {
      id: ctx.nextId(), repo: keyOf(repo), suiteId: suiteOf(ctx, keyOf(repo), pull.headSha).id, name: check.name, headSha: pull.headSha, status: "completed",
      conclusion: check.conclusion, output: { title: check.title ?? `${check.name}: ${check.conclusion}`, summary, text: check.text ?? null }, detailsUrl: null, externalId: null, startedAt: at, completedAt: at,
    };
    ctx.checkRuns.push(run);
    return sent(c, { checkRun: { id: run.id, headSha: run.headSha, conclusion: run.conclusion } }, await checkCompleted(ctx, repo, run, pull.user));
  });

  app.post("/repos/:owner/:repo/pulls/:number{[0-9]+}/reviews", async (c) => {
    const repo = repoOf(c);
    const pull = await pullOf(repo, c.req.param("number"));
    const r = await input(c, ReviewSchema);
    const by = r.by ?? reviewer(repo);
    const event = r.event ?? (r.comments.length > 0 ? "REQUEST_CHANGES" : "COMMENT");
    const at = ctx.now();
    const review = { id: ctx.nextId(), repo: keyOf(repo), number: pull.number, user: by, body: r.body, state: ({ APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" } as const)[event], commitId: pull.headSha, submittedAt: at };
    ctx.reviews.push(review);
    const comments = r.comments.map((m) => ({ id: ctx.nextId(), reviewId: review.id, repo: review.repo, number: pull.number, path: m.path, line: m.line, side: "RIGHT" as const, body: m.body, user: by, commitId: review.commitId, createdAt: at }));
    ctx.reviewComments.push(...comments);
    return sent(c, { review: { id: review.id, state: review.state }, comments: comments.map((m) => m.id) }, await reviewSubmitted(ctx, repo, pull, review, comments));
  });

  app.post("/repos/:owner/:repo/pulls/:number{[0-9]+}/close", async (c) => {
    const repo = repoOf(c);
    const pull = await pullOf(repo, c.req.param("number"));
    const { merged, by } = await input(c, CloseSchema);
    if (pull.state === "closed") throw new ControlError(400, "the pull request is closed already");
    const at = ctx.now();
    Object.assign(pull, { state: "closed", merged, closedAt: at, mergedAt: merged ? at : null, updatedAt: at });
    return sent(c, { number: pull.number, merged }, await pullEvent(ctx, repo, pull, "closed", by ?? repo.owner), 200);
  });

  app.post("/repos/:owner/:repo/issues", async (c) => {
    const repo = repoOf(c);
    const i = await input(c, IssueSchema);
    const at = ctx.now();
    const issue: Issue = { id: ctx.nextId(), repo: keyOf(repo), number: ctx.nextNumber(keyOf(repo)), title: i.title, body: i.body ?? null, user: i.by ?? repo.owner, labels: [], state: "open", createdAt: at, updatedAt: at };
    ctx.issues.push(issue);
    const deliveries = await issueOpened(ctx, repo, issue);
    for (const label of i.labels) {
      issue.labels.push(label);
      deliveries.push(...(await issueLabeled(ctx, repo, issue, label, issue.user)));
    }
    return sent(c, { number: issue.number }, deliveries);
  });

  app.post("/repos/:owner/:repo/issues/:number{[0-9]+}/labels", async (c) => {
    const repo = repoOf(c);
    const issue = issueOf(repo, c.req.param("number"));
    const { label, by } = await input(c, LabelSchema);
    if (!issue.labels.includes(label)) issue.labels.push(label);
    issue.updatedAt = ctx.now();
    return sent(c, { number: issue.number, labels: issue.labels }, await issueLabeled(ctx, repo, issue, label, by ?? repo.owner), 200);
  });

  app.post("/repos/:owner/:repo/issues/:number{[0-9]+}/comments", async (c) => {
    const repo = repoOf(c);
    const number = Number(c.req.param("number"));
    if (!issueView(ctx, repo, number)) throw new ControlError(404, "no such issue or pull request");
    const { body, by } = await input(c, CommentSchema);
    const at = ctx.now();
    const comment = { id: ctx.nextId(), repo: keyOf(repo), number, body, user: by ?? repo.owner, createdAt: at, updatedAt: at };
    ctx.issueComments.push(comment);
    return sent(c, { comment: { id: comment.id } }, await commentCreated(ctx, repo, comment));
  });

  app.onError((error, c) => (error instanceof ControlError ? c.json({ error: error.message }, error.status) : c.json({ error: String(error) }, 500)));
  app.notFound((c) => c.json({ error: "no such control route" }, 404));
  return app;
}
