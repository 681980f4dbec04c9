// What every REST route shares: the caller's account (401 without one), GitHub's error answer,
// JSON bodies read with a schema, and a repository looked up with the rights a route needs.
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { accountOf, allows, permissionOf, type Account, type Permission } from "../core/access";
import { GithubErrors, type GithubError } from "../core/errors";
import type { Repo } from "../core/resources";
import { repoKeyOf, type GithubContext } from "../context";

export type GithubEnv = { Variables: { account: Account } };

export class GithubFailure extends Error {
  override readonly name = "GithubFailure";
  readonly error: GithubError;
  constructor(error: GithubError) {
    super(error.body.message);
    this.error = error;
  }
}

export function githubError(c: Context, error: GithubError): Response {
  return c.json(error.body, error.status);
}

export function requireAccount(ctx: GithubContext): MiddlewareHandler<GithubEnv> {
  return async (c, next) => {
    const account = accountOf(ctx.accounts, c.req.header("authorization"));
    ctx.requests.push({ method: c.req.method, path: new URL(c.req.url).pathname, login: account?.login ?? null });
    if (!account) return githubError(c, GithubErrors.badCredentials());
    c.set("account", account);
    await next();
  };
}

/** The repository of the path, when the caller may do `needed` there: 404 if it cannot see it, 403 if it can but not that. */
export function repoFor(ctx: GithubContext, c: Context<GithubEnv>, needed: Permission, docs?: string): Repo {
  const repo = ctx.repos.get(repoKeyOf(c.req.param("owner") ?? "", c.req.param("repo") ?? ""));
  const held = repo ? permissionOf(repo, c.get("account").login) : null;
  if (!repo || held === null) throw new GithubFailure(GithubErrors.notFound(docs));
  if (!allows(held, needed)) throw new GithubFailure(GithubErrors.notAccessible(docs));
  return repo;
}

export async function bodyOf<T extends z.ZodType>(c: Context, schema: T, docs: string): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = JSON.parse((await c.req.text()) || "{}");
  } catch {
    throw new GithubFailure(GithubErrors.invalid("Problems parsing JSON", docs));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ resource: "Request", field: issue.path.join("."), code: issue.code === "invalid_type" && issue.input === undefined ? "missing_field" : "invalid" }));
    throw new GithubFailure({ status: 422, body: { message: "Validation Failed", errors, documentation_url: docs } });
  }
  return parsed.data;
}

export function accountNamed(ctx: GithubContext, login: string): Pick<Account, "login" | "id"> {
  return ctx.accounts.find((account) => account.login.toLowerCase() === login.toLowerCase()) ?? { login, id: 0 };
}

/** `?page=&per_page=` as GitHub reads them (per_page at most 100, default 30). */
export function page<T>(c: Context, items: T[]): T[] {
  const perPage = Math.min(100, Math.max(1, Number(c.req.query("per_page") ?? 30) || 30));
  const pageNo = Math.max(1, Number(c.req.query("page") ?? 1) || 1);
  return items.slice((pageNo - 1) * perPage, pageNo * perPage);
}
