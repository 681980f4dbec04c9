// The allowlist's settings: how long a Worker isolate answers from its copy (ALLOWLIST_CACHE_MS),
// and GET /health's check that someone may write through a served channel at all. Declared here
// (config/settings-declaration.ts's shape) with its field of Config, and listed in agent/.
import * as z from "zod/mini";
import { optional, type SettingProblem } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";
import { channelsInUse, channelsWriterLists } from "../channels/config";

declare module "../config/config" {
  interface Config {
    /** How long a Worker isolate answers from its copy of the directory's allowlist (0: never). */
    allowlistCacheMs: number;
  }
}

export const ALLOWLIST_SETTINGS = settingsPart({
  env: {
    ALLOWLIST_CACHE_MS: optional(z.string().check(z.regex(/^\d{1,7}$/, "ALLOWLIST_CACHE_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) <= 3_600_000, "ALLOWLIST_CACHE_MS must be at most 3600000"))),
  },
  read: (e) => ({ ok: true, config: { allowlistCacheMs: e.ALLOWLIST_CACHE_MS === undefined ? 60_000 : Number(e.ALLOWLIST_CACHE_MS) } }),
  needs: writersNeeds,
});

/**
 * Someone must be allowed to write through a served channel, by the settings. The runtime
 * allowlist (an admin's /allow, kept by the UserDirectory object) is not read here: GET /health
 * asks no Durable Object, and with every list empty there is no admin left to /allow anyone, so a
 * relay configured for nobody is reported even if people allowed earlier still write.
 */
function writersNeeds(has: (name: string) => boolean, env: Readonly<Record<string, unknown>>): SettingProblem[] {
  const lists = channelsWriterLists(channelsInUse(has));
  const someone = lists.some((name) => {
    const value = env[name];
    return typeof value === "string" && value.split(",").some((entry) => entry.trim() !== "");
  });
  if (someone || lists.length === 0) return [];
  return [{ name: lists[0]!, problem: `is empty, and so ${lists.length === 2 ? "is" : "are"} ${lists.slice(1).join(", ")}: nobody may write, and no admin can /allow anyone` }];
}
