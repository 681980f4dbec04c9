// Repository webhooks as GitHub's REST API has them: create (with `config.url`, `config.secret`,
// `config.content_type`, `events`; a `ping` follows), list, get, delete, ping, and each hook's
// deliveries with their redelivery. Admin only, as on GitHub.
import { Hono } from "hono";
import { z } from "zod";
import { GithubErrors } from "../core/errors";
import { hookJson, pingPayload } from "../core/webhook-payloads";
import { repoJson, userJson, type Repo } from "../core/resources";
import type { GithubContext } from "../context";
import { deliveryJson, ping, redeliver, type Hook } from "../shell/webhooks";
import { accountNamed, bodyOf, GithubFailure, repoFor, type GithubEnv } from "./http";

const DOCS = "https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook";
export const CreateHookSchema = z.object({
  name: z.literal("web").optional(),
  config: z.object({ url: z.url({ protocol: /^https?$/ }), content_type: z.enum(["json", "form"]).optional(), secret: z.string().optional(), insecure_ssl: z.union([z.string(), z.number()]).optional() }),
  /** GitHub's default is `push` alone. */
  events: z.array(z.string().min(1)).default(["push"]),
  active: z.boolean().default(true),
});

/** A new hook on `repo`, and its ping (GitHub sends one at once). */
export function addHook(ctx: GithubContext, repo: Repo, input: z.output<typeof CreateHookSchema>, by: string) {
  const key = `${repo.owner}/${repo.name}`.toLowerCase();
  const hook: Hook = {
    id: ctx.nextId(), repo: key, repoId: repo.id, url: input.config.url, secret: input.config.secret || null,
    contentType: input.config.content_type ?? "form", events: input.events, active: input.active, createdAt: ctx.now(),
  };
  ctx.hooks.push(hook);
  const { permissions: _, ...repository } = repoJson(ctx.urls, repo, accountNamed(ctx, repo.owner), null);
  const pinged = ping(ctx, hook, pingPayload(hookJson(ctx.urls, hook), repository, userJson(ctx.urls, accountNamed(ctx, by))));
  return { hook, pinged };
}

export function hooksApi(ctx: GithubContext): Hono<GithubEnv> {
  const app = new Hono<GithubEnv>();
  const hookOf = (repo: Repo, id: string) => {
    const hook = ctx.hooks.find((h) => h.repo === `${repo.owner}/${repo.name}`.toLowerCase() && String(h.id) === id);
    if (!hook) throw new GithubFailure(GithubErrors.notFound("https://docs.github.com/rest/repos/webhooks#get-a-repository-webhook"));
    return hook;
  };

  app.post("/repos/:owner/:repo/hooks", async (c) => {
    const repo = repoFor(ctx, c, "admin", DOCS);
    const { hook } = addHook(ctx, repo, await bodyOf(c, CreateHookSchema, DOCS), c.get("account").login);
    return c.json(hookJson(ctx.urls, hook), 201);
  });
  app.get("/repos/:owner/:repo/hooks", (c) => {
    const repo = repoFor(ctx, c, "admin");
    return c.json(ctx.hooks.filter((h) => h.repo === `${repo.owner}/${repo.name}`.toLowerCase()).map((h) => hookJson(ctx.urls, h)));
  });
  app.get("/repos/:owner/:repo/hooks/:id{[0-9]+}", (c) => c.json(hookJson(ctx.urls, hookOf(repoFor(ctx, c, "admin"), c.req.param("id")))));
  app.delete("/repos/:owner/:repo/hooks/:id{[0-9]+}", (c) => {
    const hook = hookOf(repoFor(ctx, c, "admin"), c.req.param("id"));
    ctx.hooks.splice(ctx.hooks.indexOf(hook), 1);
    return c.body(null, 204);
  });
  app.post("/repos/:owner/:repo/hooks/:id{[0-9]+}/pings", (c) => {
    const repo = repoFor(ctx, c, "admin");
    const hook = hookOf(repo, c.req.param("id"));
    const { permissions: _, ...repository } = repoJson(ctx.urls, repo, accountNamed(ctx, repo.owner), null);
    void ping(ctx, hook, pingPayload(hookJson(ctx.urls, hook), repository, userJson(ctx.urls, c.get("account"))));
    return c.body(null, 204);
  });
  app.get("/repos/:owner/:repo/hooks/:id{[0-9]+}/deliveries", (c) => {
    const hook = hookOf(repoFor(ctx, c, "admin"), c.req.param("id"));
    return c.json(ctx.deliveries.filter((d) => d.hookId === hook.id).reverse().map(deliveryJson));
  });
  app.post("/repos/:owner/:repo/hooks/:id{[0-9]+}/deliveries/:delivery{[0-9]+}/attempts", (c) => {
    const hook = hookOf(repoFor(ctx, c, "admin"), c.req.param("id"));
    const delivery = ctx.deliveries.find((d) => d.hookId === hook.id && String(d.id) === c.req.param("delivery"));
    if (!delivery) throw new GithubFailure(GithubErrors.notFound("https://docs.github.com/rest/repos/webhooks#redeliver-a-delivery-for-a-repository-webhook"));
    void redeliver(ctx, delivery.id);
    // GitHub: 202 Accepted, the redelivery made in the background.
    return c.json({}, 202);
  });
  return app;
}
