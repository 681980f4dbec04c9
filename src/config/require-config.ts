// The relay's settings as the Worker's routes see them: checked once per isolate, at its first
// request (src/config/config-check.ts), the problems logged once by name; a route that cannot work without
// a valid configuration, or without the secret that verifies its requests, answers 503 naming the
// settings, before anything of the request is read.
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import type { Config, ConfigResult } from "./config";
import { loadConfig } from "./load-config";
import type { SettingsDeclarations } from "./settings-declaration";
import { checkSettings, describeProblem, type SettingProblem } from "./config-check";
import { logEvent } from "../shared/log";

export type ConfigVariables = { config: Config };

/** The parsed configuration and every setting missing or invalid (names and why, never values). */
export type SettingsReport = { loaded: ConfigResult; problems: SettingProblem[] };

/** One per environment object: one per isolate in production (loadConfig is cached the same way). */
const reports = new WeakMap<object, SettingsReport>();

/**
 * The report of `env`, made and logged (`config_invalid` or `config_incomplete`) the first time only.
 * The Worker's entry (index.ts) makes it before any route runs, with every capability's declared
 * settings (agent/relay-settings.ts): the routes below read it by `env` alone (requireConfig).
 */
export function settingsReport(env: Env, declarations: SettingsDeclarations): SettingsReport {
  let report = reports.get(env);
  if (report) return report;
  report = { loaded: loadConfig(env, declarations), problems: checkSettings(env as unknown as Record<string, unknown>, declarations) };
  reports.set(env, report);
  if (report.problems.length > 0) {
    logEvent(report.loaded.ok ? "config_incomplete" : "config_invalid", { settings: report.problems.map((p) => p.name), problems: report.problems.map(describeProblem) });
  }
  return report;
}

/** The parsed configuration, or a 503 naming the settings to fix (the details are in the log). */
export function requireConfig(env: Env): Config {
  const report = reports.get(env);
  // A programmer's error, not a setting's: the Worker's entry reports every request's env first.
  if (!report) throw new Error("requireConfig: no settings report for this env (the Worker's fetch makes it before any route)");
  const { loaded, problems } = report;
  if (!loaded.ok) throw new HTTPException(503, { message: `relay misconfigured: ${problems.map((p) => p.name).join(", ")} (see the Worker's log)` });
  return loaded.config;
}

/** requireConfig as middleware: the routes after it read the configuration from `config`. */
export const withConfig = createMiddleware<{ Bindings: Env; Variables: ConfigVariables }>(async function withConfig(c, next) {
  c.set("config", requireConfig(c.env));
  await next();
});

/**
 * A request whose verifying secret is not configured: never taken unverified, never called forged
 * (a 403 or 401 would blame the sender). 503, so a provider that has a fallback (Twilio: error
 * 11200 and the fallback URL) uses it; logged as what is missing. `path` is the route's, never a
 * URL that carries a token.
 */
export function refuseUnverifiable(path: string, missing: readonly string[]): never {
  const names = missing.length <= 2 ? missing.join(" and ") : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
  const problem = `${names} ${missing.length === 1 ? "is" : "are"} not set`;
  logEvent("secret_missing", { path, settings: missing, problem });
  throw new HTTPException(503, { message: `${problem}: the relay cannot verify this request` });
}
