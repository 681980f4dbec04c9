// The caller and its repositories: `GET /user`, `GET /repos/{owner}/{repo}`, and the two settings
// an attacker with a token would reach for first (a collaborator, a deploy key), which need admin.
import { Hono } from "hono";
import { z } from "zod";
import { permissionOf } from "../core/access";
import { DOCS_URLS } from "../core/errors";
import { repoJson, userJson } from "../core/resources";
import type { GithubContext } from "../context";
import { accountNamed, bodyOf, repoFor, type GithubEnv } from "./http";

const DeployKeySchema = z.object({ key: z.string().min(1), title: z.string().optional(), read_only: z.boolean().optional() });
const CollaboratorSchema = z.object({ permission: z.string().optional() });

export function reposApi(ctx: GithubContext): Hono<GithubEnv> {
  const app = new Hono<GithubEnv>();
  app.get("/user", (c) => c.json(userJson(ctx.urls, c.get("account"))));

  app.get("/repos/:owner/:repo", (c) => {
    const repo = repoFor(ctx, c, "read", DOCS_URLS.getRepo);
    return c.json(repoJson(ctx.urls, repo, accountNamed(ctx, repo.owner), permissionOf(repo, c.get("account").login)));
  });

  app.put("/repos/:owner/:repo/collaborators/:user", async (c) => {
    const docs = "https://docs.github.com/rest/collaborators/collaborators#add-a-repository-collaborator";
    const repo = repoFor(ctx, c, "admin", docs);
    await bodyOf(c, CollaboratorSchema, docs);
    const id = ctx.nextId();
    ctx.settingsChanges.push({ repo: `${repo.owner}/${repo.name}`, kind: "collaborator", by: c.get("account").login, detail: c.req.param("user") });
    // An invitation is created (201); the user is a collaborator once it is accepted.
    return c.json({ id, repository: { full_name: `${repo.owner}/${repo.name}` }, invitee: { login: c.req.param("user") }, inviter: userJson(ctx.urls, c.get("account")), permissions: "write" }, 201);
  });

  app.post("/repos/:owner/:repo/keys", async (c) => {
    const docs = "https://docs.github.com/rest/deploy-keys/deploy-keys#create-a-deploy-key";
    const repo = repoFor(ctx, c, "admin", docs);
    const input = await bodyOf(c, DeployKeySchema, docs);
    const id = ctx.nextId();
    ctx.settingsChanges.push({ repo: `${repo.owner}/${repo.name}`, kind: "deploy_key", by: c.get("account").login, detail: input.title ?? "" });
    return c.json({ id, key: input.key, title: input.title ?? "", read_only: input.read_only ?? false, verified: true, url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/keys/${id}` }, 201);
  });
  return app;
}
