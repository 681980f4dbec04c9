// Usage limits: the per-user spend caps (DAILY_BUDGET_USD, MONTHLY_BUDGET_USD) and the messages a
// user may send a minute (MAX_MESSAGES_PER_MINUTE). Declared here (config/settings-declaration.ts's
// shape) with their fields of Config, and listed in agent/.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";

declare module "../config/config" {
  interface Config {
    /** Messages per user per minute before the excess is refused (0: no limit). */
    maxMessagesPerMinute: number;
    /** Per-user spend caps, in dollars; the daily one in the user's time zone. */
    budget: { dailyUsd: number; monthlyUsd: number | null };
  }
}

export const USAGE_SETTINGS = settingsPart({
  env: {
    DAILY_BUDGET_USD: optional(z.string().check(z.regex(/^\d{1,6}(\.\d{1,4})?$/, "DAILY_BUDGET_USD must be an amount in dollars, e.g. 20"))),
    MONTHLY_BUDGET_USD: optional(z.string().check(z.regex(/^\d{1,7}(\.\d{1,4})?$/, "MONTHLY_BUDGET_USD must be an amount in dollars, e.g. 200"))),
    MAX_MESSAGES_PER_MINUTE: optional(z.string().check(z.regex(/^\d{1,4}$/, "MAX_MESSAGES_PER_MINUTE must be a whole number"))),
  },
  read: (e) => ({
    ok: true,
    config: {
      maxMessagesPerMinute: e.MAX_MESSAGES_PER_MINUTE === undefined ? 30 : Number(e.MAX_MESSAGES_PER_MINUTE),
      budget: { dailyUsd: e.DAILY_BUDGET_USD === undefined ? 20 : Number(e.DAILY_BUDGET_USD), monthlyUsd: e.MONTHLY_BUDGET_USD === undefined ? null : Number(e.MONTHLY_BUDGET_USD) },
    },
  }),
});
