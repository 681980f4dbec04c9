// The Worker's settings, parsed once from the environment with zod; invalid settings fail closed.
// Each capability declares its own settings and its fields of Config in its own folder
// (settings-declaration.ts's shape); they are listed above every capability
// (agent/relay-settings.ts) and handed here, where the list is joined in its order.
import * as z from "zod/mini";
import type { Config, ConfigResult } from "./config";
import type { SettingsDeclarations, SettingsShape } from "./settings-declaration";

const cache = new WeakMap<object, ConfigResult>();
const schemas = new WeakMap<SettingsDeclarations, z.ZodMiniObject>();

/** Parsed once per environment object (one per isolate in production), with the one list of declarations the relay has. */
export function loadConfig(env: object, declarations: SettingsDeclarations): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = parseConfig(env, declarations);
  cache.set(env, result);
  return result;
}

/** Every part's settings in one schema, in the list's order: zod names invalid settings in it. */
function envSchemaOf(declarations: SettingsDeclarations): z.ZodMiniObject {
  let schema = schemas.get(declarations);
  if (!schema) {
    schema = z.object(Object.assign({}, ...declarations.map((part) => part.env)) as SettingsShape);
    schemas.set(declarations, schema);
  }
  return schema;
}

/**
 * Each setting on its own (the schema), then the settings a mode requires together, then each part
 * read in the list's order with what the parts before it read: the first that cannot be used
 * fails the configuration closed with its problems.
 */
function parseConfig(env: object, declarations: SettingsDeclarations): ConfigResult {
  const parsed = envSchemaOf(declarations).safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  }
  const e = parsed.data as Readonly<Record<string, unknown>>;
  for (const part of declarations) {
    const problems = part.requires?.(e) ?? [];
    if (problems.length > 0) return { ok: false, problems };
  }
  let config: Partial<Config> = {};
  for (const part of declarations) {
    const read = part.read(e, config);
    if (!read.ok) return read;
    config = { ...config, ...read.config };
  }
  // Every field of Config is declared by one part of the list (agent/relay-settings.ts), and each part filled its own.
  return { ok: true, config: config as Config };
}
