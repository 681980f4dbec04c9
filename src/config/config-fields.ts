// The zod pieces every part of the configuration parses its settings with (each capability's part,
// settings-declaration.ts): an unset or blank setting is absent, a base URL has no trailing slash.
import * as z from "zod/mini";
import "../shared/zod-messages";

// zod/mini has no `preprocess`: classic zod's is this same pipe (a transform, then the schema).
export const optional = <T extends string>(schema: z.ZodMiniType<T>) =>
  z.pipe(
    z.transform((value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value)),
    z.optional(schema),
  );

export const httpUrl = z.pipe(z.url({ protocol: /^https?$/ }), z.transform((url) => url.replace(/\/+$/, "")));

/**
 * A part's settings could not be used: each problem as `NAME: why`, for the Worker's log and, by
 * name, GET /health; so a problem never quotes a setting's value.
 */
export type ConfigProblems = { ok: false; problems: string[] };

/** A setting the relay needs that is missing or invalid: its name and why, never its value. */
export type SettingProblem = { name: string; problem: string };
