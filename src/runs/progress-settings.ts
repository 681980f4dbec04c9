// The pacing of a long run's progress updates (PROGRESS_AFTER_MS, PROGRESS_EVERY_MS), defaults
// DEFAULT_PROGRESS_PACING. Declared here (config/settings-declaration.ts's shape) with its field of
// Config, and listed in agent/.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";
import { DEFAULT_PROGRESS_PACING, type ProgressPacing } from "./progress-update";

declare module "../config/config" {
  interface Config {
    /** Updates during long runs: the first after, then at most one every. */
    progress: ProgressPacing;
  }
}

export const PROGRESS_SETTINGS = settingsPart({
  env: {
    PROGRESS_AFTER_MS: optional(z.string().check(z.regex(/^\d{1,8}$/, "PROGRESS_AFTER_MS must be a whole number of milliseconds"))),
    PROGRESS_EVERY_MS: optional(z.string().check(z.regex(/^\d{1,8}$/, "PROGRESS_EVERY_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) >= 1000, "PROGRESS_EVERY_MS must be at least 1000"))),
  },
  read: (e) => ({
    ok: true,
    config: {
      progress: {
        firstAfterMs: e.PROGRESS_AFTER_MS === undefined ? DEFAULT_PROGRESS_PACING.firstAfterMs : Number(e.PROGRESS_AFTER_MS),
        everyMs: e.PROGRESS_EVERY_MS === undefined ? DEFAULT_PROGRESS_PACING.everyMs : Number(e.PROGRESS_EVERY_MS),
      },
    },
  }),
});
