// The caller and its repositories: `GET /user`, `GET /repos/{owner}/{repo}`, a user's permission
// on one, and the two settings an attacker with a token would reach for first (a collaborator, a
// deploy key), which need admin.
import { Hono } from "hono";
import { z } from "zod";
import { permissionOf, permissionsObject } from "../core/access";
import { DOCS_URLS, GithubErrors } from "../core/errors";
import { repoJson, userJson } from "../core/resources";
import type { GithubContext } from "../context";
import { accountNamed, bodyOf, GithubFailure, repoFor, type GithubEnv } from "./http";

const DeployKeySchema = z.object({ key: z.string().min(1), title: z.string().optional(), read_only: z.boolean().optional() });
const CollaboratorSchema = z.object({ permission: z.string().optional() });

/** A login GitHub knows here: an account, the repository's owner, or one of its collaborators. */
function knownLogin(ctx: GithubContext, repo: { owner: string; collaborators: Record<string, unknown> }, login: string): boolean {
  const named = (name: string) => name.toLowerCase() === login.toLowerCase();
  return ctx.accounts.some((a) => named(a.login)) || named(repo.owner) || Object.keys(repo.collaborators).some(named);
}

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

  // docs.github.com "Get repository permissions for a user": `permission` is the legacy base role
  // (admin, write, read, none; maintain and triage map to write and read), `role_name` the role.
  // Any caller who can see the repository may ask; a user GitHub does not know is 404.
  app.get("/repos/:owner/:repo/collaborators/:user/permission", (c) => {
    const docs = "https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user";
    const repo = repoFor(ctx, c, "read", docs);
    const login = c.req.param("user");
    if (!knownLogin(ctx, repo, login)) throw new GithubFailure(GithubErrors.notFound(docs));
    const held = permissionOf(repo, login) ?? "none";
    const user = accountNamed(ctx, login);
    return c.json({ permission: held, role_name: held, user: { ...userJson(ctx.urls, { login: user.login, id: user.id }), permissions: permissionsObject(held === "none" ? null : held), role_name: held } });
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
