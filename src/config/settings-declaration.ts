// The shape of a capability's settings, as it declares them in its own folder (machines/, archive/,
// channels/...), and the ordered list of every declaration that config.ts and config-check.ts take
// as a parameter. The list is built above every capability (agent/relay-settings.ts), so config/,
// the floor, reads a capability's settings without importing it.
import type * as z from "zod/mini";
import type { Config } from "./config";
import type { ConfigProblems, SettingProblem } from "./config-fields";

/** Settings by their env variable names (the contract's), each with its zod field (config-fields.ts's pieces). */
export type SettingsShape = Readonly<Record<string, z.ZodMiniType>>;

/** The settings of `S` as parsed: each field's output, undefined when unset. */
export type ParsedSettings<S extends SettingsShape> = { readonly [K in keyof S]: z.output<S[K]> };

type Has = (name: string) => boolean;

/** The Config read from the parts before this one in the list (a media link's key falls back to a channel's secret). */
export type ConfigSoFar = Readonly<Partial<Config>>;

/** One capability's settings: what it reads, its fields of Config with their defaults, and what GET /health asks of them. */
export type SettingsPart = {
  /** Parsed with every other part's at once (config.ts): an invalid one fails the configuration closed, `NAME: why`. */
  env: SettingsShape;
  /** Settings that must be set together (a mode's): every part's are checked before any part is read, and one missing fails the configuration closed. */
  requires?(parsed: Readonly<Record<string, unknown>>): string[];
  /** Its fields of Config from the parsed settings, defaults filled in; problems when they cannot be used together. */
  read(parsed: Readonly<Record<string, unknown>>, soFar: ConfigSoFar): { ok: true; config: object } | ConfigProblems;
  /** GET /health: the settings it needs and lacks, by name, never a value (config-check.ts). */
  needs?(has: Has, env: Readonly<Record<string, unknown>>): SettingProblem[];
};

/**
 * Every capability's part, in one order: the joined schema's, so GET /health and the log name
 * invalid settings in it, and the order the parts' needs and reads are taken in.
 */
export type SettingsDeclarations = readonly SettingsPart[];

/** A part declared over its own shape: `requires` and `read` see its settings typed, `read` returns its fields of Config. */
export function settingsPart<S extends SettingsShape, Fields extends Partial<Config>>(part: {
  env: S;
  requires?(parsed: ParsedSettings<S>): string[];
  read(parsed: ParsedSettings<S>, soFar: ConfigSoFar): { ok: true; config: Fields } | ConfigProblems;
  needs?(has: Has, env: Readonly<Record<string, unknown>>): SettingProblem[];
}): SettingsPart {
  const { requires, needs } = part;
  // The joined schema parsed these settings with `env`'s own fields: the casts state what that parse proved.
  return {
    env: part.env,
    read: (parsed, soFar) => part.read(parsed as ParsedSettings<S>, soFar),
    ...(requires ? { requires: (parsed: Readonly<Record<string, unknown>>) => requires(parsed as ParsedSettings<S>) } : {}),
    ...(needs ? { needs } : {}),
  };
}
