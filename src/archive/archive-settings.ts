// The archive's setting (docs/fly-machines.md, "Archiving idle users"): how long a user goes unused
// before their files go to the ARCHIVE bucket. Declared here (config/settings-declaration.ts's
// shape) with its field of Config, and listed in agent/.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";
import { archiveAfterMs } from "./archive-plan";

declare module "../config/config" {
  interface Config {
    /** ARCHIVE_AFTER_DAYS in milliseconds: unused this long, the user's files go to the ARCHIVE bucket (docs/fly-machines.md, "Archiving idle users"). */
    archiveAfterMs: number;
  }
}

export const ARCHIVE_SETTINGS = settingsPart({
  env: {
    // Fractions allowed (a test archives a user in seconds).
    ARCHIVE_AFTER_DAYS: optional(z.string().check(z.regex(/^\d{1,4}(\.\d{1,6})?$/, "ARCHIVE_AFTER_DAYS must be a number of days"), z.refine((v) => Number(v) > 0, "ARCHIVE_AFTER_DAYS must be more than 0"))),
  },
  read: (e) => ({ ok: true, config: { archiveAfterMs: archiveAfterMs(e.ARCHIVE_AFTER_DAYS === undefined ? 3 : Number(e.ARCHIVE_AFTER_DAYS)) } }),
});
