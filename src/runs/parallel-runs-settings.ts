// How many of a user's conversations run at once (MAX_PARALLEL_RUNS, 3 unless set). Declared here
// (config/settings-declaration.ts's shape) with its field of Config, and listed in agent/.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";

declare module "../config/config" {
  interface Config {
    /** Conversations of one user that run at once (MAX_PARALLEL_RUNS). */
    maxParallelRuns: number;
  }
}

export const PARALLEL_RUNS_SETTINGS = settingsPart({
  env: {
    MAX_PARALLEL_RUNS: optional(z.string().check(z.regex(/^\d{1,2}$/, "MAX_PARALLEL_RUNS must be a whole number"), z.refine((v) => Number(v) >= 1 && Number(v) <= 10, "MAX_PARALLEL_RUNS must be 1 to 10"))),
  },
  read: (e) => ({ ok: true, config: { maxParallelRuns: e.MAX_PARALLEL_RUNS === undefined ? 3 : Number(e.MAX_PARALLEL_RUNS) } }),
});
