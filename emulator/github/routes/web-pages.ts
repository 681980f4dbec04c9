// The stand-in's web pages (no token, like its controls): a pull request at the html_url the REST
// API gives (`/{o}/{r}/pull/{n}`), whose forms fail or pass a check, review, comment, merge or
// close, and the repository's Settings → Webhooks → Add webhook. Each form is carried out by the
// control route that does the same (so the same webhooks go out), then the page is shown again
// with what was sent.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { addWebhookPageHtml, pullPageHtml } from "../core/pull-page";
import { repoKeyOf, type GithubContext } from "../context";
import { bareDirOf, branchSha, pullDiff } from "../shell/git-backend";

const CheckForm = z.object({ conclusion: z.enum(["failure", "success"]), name: z.string().trim().min(1).max(100).default("test"), summary: z.string().max(60_000).default("") });
const ReviewForm = z.object({
  event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]),
  body: z.string().max(60_000).default(""),
  path: z.string().trim().max(500).default(""),
  line: z.string().trim().regex(/^\d{0,7}$/).default(""),
});
const CommentForm = z.object({ body: z.string().trim().min(1).max(60_000) });
const HookForm = z.object({ url: z.string().trim().min(1), secret: z.string().default(""), contentType: z.enum(["json", "form"]).default("json") });
const ACTIONS = ["checks", "reviews", "comments", "merge", "close"] as const;

type Delivered = { deliveries?: Array<{ event: string; action: string | null; statusCode: number | null; error: string | null }>; error?: string };

/** One line on what a form did: the events sent and how the hooks answered. */
function noticeOf(done: string, answer: Delivered, status: number): string {
  if (status >= 300) return `Not done: ${answer.error ?? `status ${status}`}`;
  const sent = answer.deliveries ?? [];
  if (sent.length === 0) return `${done}. No webhook got it (Settings → Webhooks has none).`;
  const each = sent.map((d) => `${d.event}${d.action ? ` ${d.action}` : ""} → ${d.statusCode ?? d.error ?? "sent"}`);
  return `${done}. Sent: ${each.join(", ")}.`;
}

export function webPages(ctx: GithubContext, controls: Hono): Hono {
  const app = new Hono();
  const control = async (path: string, body: unknown) => {
    const response = await controls.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, answer: (await response.json()) as Delivered };
  };
  const back = (c: Context, path: string, notice: string) => c.redirect(`${path}?notice=${encodeURIComponent(notice)}`, 303);
  const form = async <T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T> | null> => {
    const parsed = schema.safeParse(Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === "string")));
    return parsed.success ? parsed.data : null;
  };
  const repoAt = (c: Context) => ctx.repos.get(repoKeyOf(c.req.param("owner") ?? "", c.req.param("repo") ?? "")) ?? null;

  app.get("/:owner/:repo/pull/:number{[0-9]+}", async (c) => {
    const repo = repoAt(c);
    const key = repo ? `${repo.owner}/${repo.name}`.toLowerCase() : "";
    const pull = ctx.pulls.find((p) => p.repo === key && String(p.number) === c.req.param("number"));
    if (!repo || !pull) return c.notFound();
    const bare = bareDirOf(ctx.root, repo.owner, repo.name);
    // Its head follows its branch, as on GitHub.
    if (pull.state === "open") pull.headSha = (await branchSha(bare, pull.head)) ?? pull.headSha;
    const checks = ctx.checkRuns.filter((r) => r.repo === key && r.headSha === pull.headSha).map((r) => ({ name: r.name, conclusion: r.conclusion, summary: r.output.summary ?? "" }));
    return c.html(
      pullPageHtml({
        repo: `${repo.owner}/${repo.name}`,
        pull: { number: pull.number, title: pull.title, state: pull.state, merged: pull.merged, head: pull.head, base: pull.base, headSha: pull.headSha, user: pull.user },
        diff: await pullDiff(bare, pull.baseSha, pull.headSha),
        checks,
        reviews: ctx.reviews.filter((r) => r.repo === key && r.number === pull.number),
        comments: ctx.issueComments.filter((m) => m.repo === key && m.number === pull.number),
        hooks: ctx.hooks.filter((h) => h.repo === key && h.active).length,
        notice: c.req.query("notice") ?? null,
      }),
    );
  });

  app.post("/:owner/:repo/pull/:number{[0-9]+}/:action", async (c) => {
    const repo = repoAt(c);
    const action = c.req.param("action") as (typeof ACTIONS)[number];
    if (!repo || !ACTIONS.includes(action)) return c.notFound();
    const number = c.req.param("number");
    const page = `/${repo.owner}/${repo.name}/pull/${number}`;
    const at = `/repos/${repo.owner}/${repo.name}`;
    switch (action) {
      case "checks": {
        const f = await form(c, CheckForm);
        if (!f) return back(c, page, "Not done: a check needs a name.");
        const { status, answer } = await control(`${at}/pulls/${number}/checks`, { conclusion: f.conclusion, name: f.name, ...(f.summary.trim() ? { summary: f.summary } : {}) });
        return back(c, page, noticeOf(`Check “${f.name}” ${f.conclusion === "failure" ? "failed" : "passed"}`, answer, status));
      }
      case "reviews": {
        const f = await form(c, ReviewForm);
        if (!f) return back(c, page, "Not done: the review's line must be a number.");
        const onLine = f.path && f.line && f.body.trim() ? [{ path: f.path, line: Number(f.line), body: f.body }] : [];
        const { status, answer } = await control(`${at}/pulls/${number}/reviews`, { event: f.event, body: onLine.length > 0 ? "" : f.body, comments: onLine });
        return back(c, page, noticeOf("Review submitted", answer, status));
      }
      case "comments": {
        const f = await form(c, CommentForm);
        if (!f) return back(c, page, "Not done: a comment needs text.");
        const { status, answer } = await control(`${at}/issues/${number}/comments`, { body: f.body });
        return back(c, page, noticeOf("Commented", answer, status));
      }
      case "merge":
      case "close": {
        const { status, answer } = await control(`${at}/pulls/${number}/close`, { merged: action === "merge" });
        return back(c, page, noticeOf(action === "merge" ? "Merged" : "Closed", answer, status));
      }
    }
  });

  const hooksPage = (c: Context, notice: string | null) => {
    const repo = repoAt(c);
    if (!repo) return c.notFound();
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    return c.html(addWebhookPageHtml({ repo: `${repo.owner}/${repo.name}`, hooks: ctx.hooks.filter((h) => h.repo === key).map((h) => ({ id: h.id, url: h.url })), notice }));
  };
  app.get("/:owner/:repo/settings/hooks", (c) => hooksPage(c, c.req.query("notice") ?? null));
  app.get("/:owner/:repo/settings/hooks/new", (c) => hooksPage(c, c.req.query("notice") ?? null));
  app.post("/:owner/:repo/settings/hooks/new", async (c) => {
    const repo = repoAt(c);
    if (!repo) return c.notFound();
    const page = `/${repo.owner}/${repo.name}/settings/hooks`;
    const f = await form(c, HookForm);
    if (!f) return back(c, page, "Not added: a webhook needs a Payload URL.");
    const { status, answer } = await control(`/repos/${repo.owner}/${repo.name}/hooks`, { url: f.url, contentType: f.contentType, ...(f.secret ? { secret: f.secret } : {}) });
    return back(c, page, status === 201 ? noticeOf("Webhook added; GitHub pinged it", answer, status) : `Not added: ${answer.error ?? `status ${status}`}`);
  });
  return app;
}
