// The GitHub stand-in's REST surface (as GitHub Enterprise serves it, under `/api/v3`): every route
// behind a token, and GitHub's error bodies for refusals, unknown paths and failures alike.
import { Hono } from "hono";
import { GithubErrors } from "./core/errors";
import type { GithubContext } from "./context";
import { checksApi } from "./routes/checks-api";
import { controlApi } from "./routes/control-api";
import { hooksApi } from "./routes/hooks-api";
import { GithubFailure, githubError, requireAccount, type GithubEnv } from "./routes/http";
import { pullsApi } from "./routes/pulls-api";
import { reposApi } from "./routes/repos-api";
import { webPages } from "./routes/web-pages";

export const API_PREFIX = "/api/v3";

export function createGithubApp(ctx: GithubContext): Hono<GithubEnv> {
  const api = new Hono<GithubEnv>();
  api.use("*", requireAccount(ctx));
  api.route("/", reposApi(ctx));
  api.route("/", pullsApi(ctx));
  api.route("/", checksApi(ctx));
  api.route("/", hooksApi(ctx));
  const app = new Hono<GithubEnv>();
  // The stand-in's own controls (not GitHub's): no token, for tests and for trying the loop by hand.
  const controls = controlApi(ctx);
  app.route("/__github", controls);
  app.route(API_PREFIX, api);
  // Its web pages: a pull request's (its html_url) and Settings → Webhooks, whose forms use the controls.
  app.route("/", webPages(ctx, controls));
  app.notFound((c) => githubError(c, GithubErrors.notFound()));
  app.onError((error, c) => {
    if (error instanceof GithubFailure) return githubError(c, error.error);
    console.error("[github] unexpected error", error);
    return c.json({ message: "Server Error", documentation_url: "https://docs.github.com/rest" }, 500);
  });
  return app;
}
