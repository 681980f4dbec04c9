// `GET /v1/github/permission?repo=owner/name&user=login` (docs/github.md): the HTTP side of
// github-permission.ts, behind the VM token like every /v1 route.
import type { Hono } from "hono";
import { GITHUB_LOGIN, GITHUB_REPO, type GithubPermission } from "../../../src/protocol/vm/github-permission";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import type { GithubPermissions } from "../github/github-permission";
import { fail } from "./http-body";

export function addGithubPermissionRoute(app: Hono, permissions: GithubPermissions): void {
  app.get(VM_ROUTES.githubPermission("R", "U").split("?")[0]!, async (c) => {
    const repo = c.req.query("repo") ?? "";
    const user = c.req.query("user") ?? "";
    if (!GITHUB_REPO.test(repo) || !GITHUB_LOGIN.test(user)) fail(400, { error: "bad_request", message: "repo must be owner/name and user a GitHub login" });
    return c.json<GithubPermission>(await permissions.of(repo, user));
  });
}
