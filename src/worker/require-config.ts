// The relay's configuration for a webhook that cannot work without it: an invalid one is logged
// and answered 500, before anything of the request is read.
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { loadConfig, type Config } from "../config";
import { logEvent } from "../core/log";

export type ConfigVariables = { config: Config };

/** The parsed configuration, or a 500 (the problems go to the log, not to the caller). */
export function requireConfig(env: Env): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    logEvent("config_invalid", { problems: loaded.problems });
    throw new HTTPException(500, { message: "relay misconfigured; see the Worker's logs" });
  }
  return loaded.config;
}

/** requireConfig as middleware: the routes after it read the configuration from `config`. */
export const withConfig = createMiddleware<{ Bindings: Env; Variables: ConfigVariables }>(async function withConfig(c, next) {
  c.set("config", requireConfig(c.env));
  await next();
});
