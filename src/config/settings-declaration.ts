// The shape of a capability's settings, as it declares them in its own folder (machines/, archive/,
// channels/...), and the record of every declaration that config.ts and config-check.ts take as a
// parameter. The record is built above every capability (agent/relay-settings.ts), so config/, the
// floor, reads a capability's settings without importing it.
import type * as z from "zod/mini";
import type { ConfigProblems, SettingProblem } from "./config-fields";

/** Settings by their env variable names (the contract's), each with its zod field (config-fields.ts's pieces). */
export type SettingsShape = Readonly<Record<string, z.ZodMiniType>>;

/** The settings of `S` as parsed: each field's output, undefined when unset. */
export type ParsedSettings<S extends SettingsShape> = { readonly [K in keyof S]: z.output<S[K]> };

type Has = (name: string) => boolean;

/** One capability's settings: what it reads, its fields of Config with their defaults, and what GET /health asks of them. */
export type SettingsPart<Fields extends object> = {
  /** Parsed with every other part's at once (config.ts): an invalid one fails the configuration closed, `NAME: why`. */
  env: SettingsShape;
  /** Its fields of Config from the parsed settings, defaults filled in; problems when they cannot be used together. */
  read(parsed: Readonly<Record<string, unknown>>): { ok: true; config: Fields } | ConfigProblems;
  /** GET /health: the settings it needs and lacks, by name, never a value (config-check.ts). */
  needs?(has: Has, env: Readonly<Record<string, unknown>>): SettingProblem[];
};

/** A part declared over its own shape: its `read` sees its settings typed. */
export function settingsPart<S extends SettingsShape, Fields extends object>(part: {
  env: S;
  read(parsed: ParsedSettings<S>): { ok: true; config: Fields } | ConfigProblems;
  needs?(has: Has, env: Readonly<Record<string, unknown>>): SettingProblem[];
}): SettingsPart<Fields> {
  // The joined schema parsed these settings with `env`'s own fields: the cast states what that parse proved.
  return { env: part.env, read: (parsed) => part.read(parsed as ParsedSettings<S>), ...(part.needs ? { needs: part.needs } : {}) };
}

/**
 * The channels' settings: a part like any other, and what the relay's own checks need of the
 * channels served (someone who may write through them, a secret that signs media links).
 */
export type ChannelsSettings<Fields extends object> = Omit<SettingsPart<Fields>, "read" | "needs"> & {
  /** `mediaSigningSecret`: a channel's secret that signs media links when MEDIA_SIGNING_KEY is unset. */
  read(parsed: Readonly<Record<string, unknown>>): { ok: true; config: Fields; mediaSigningSecret: string | null } | ConfigProblems;
  /** The settings each served channel needs and lacks, and the facts the relay's own checks need of them. */
  served(has: Has): { needs: SettingProblem[]; writerLists: string[]; needsSigningSetting: boolean };
  /** The channels' secrets that sign media and /web links when MEDIA_SIGNING_KEY is unset, first set first. */
  signingSettings: readonly string[];
};
