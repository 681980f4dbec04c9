// The private page's settings: how long a /web or /dashboard link works (WEB_LINK_TTL_HOURS), and
// how many live pages a link and a phone may hold open (LIVE_PAGES_PER_LINK, LIVE_PAGES_PER_USER).
// Declared here (config/settings-declaration.ts's shape) with their fields of Config, and listed in agent/.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";

declare module "../config/config" {
  interface Config {
    /** WEB_LINK_TTL_HOURS: how long a /web or /dashboard link works (signed with a key of its own from media.signingSecret). */
    webLinkTtlHours: number;
    /** LIVE_PAGES_PER_LINK, LIVE_PAGES_PER_USER: open live pages a link, and all of a phone's links, may hold (live-caps.ts). */
    livePages: { perLink: number; perUser: number };
  }
}

export const WEB_SETTINGS = settingsPart({
  env: {
    // Hours a /web or /dashboard link works; fractions allowed (a test uses 0.01), at most a year.
    WEB_LINK_TTL_HOURS: optional(z.string().check(z.regex(/^\d{1,4}(\.\d{1,6})?$/, "WEB_LINK_TTL_HOURS must be a number of hours"), z.refine((v) => Number(v) > 0 && Number(v) <= 8760, "WEB_LINK_TTL_HOURS must be more than 0 and at most 8760"))),
    // Pages watching runs live at once, per link and per phone; past either the oldest socket closes (the bench raises them).
    LIVE_PAGES_PER_LINK: optional(z.string().check(z.regex(/^[1-9]\d{0,3}$/, "LIVE_PAGES_PER_LINK must be a whole number from 1 to 9999"))),
    LIVE_PAGES_PER_USER: optional(z.string().check(z.regex(/^[1-9]\d{0,3}$/, "LIVE_PAGES_PER_USER must be a whole number from 1 to 9999"))),
  },
  read: (e) => ({
    ok: true,
    config: {
      webLinkTtlHours: e.WEB_LINK_TTL_HOURS === undefined ? 24 : Number(e.WEB_LINK_TTL_HOURS),
      livePages: { perLink: e.LIVE_PAGES_PER_LINK === undefined ? 5 : Number(e.LIVE_PAGES_PER_LINK), perUser: e.LIVE_PAGES_PER_USER === undefined ? 20 : Number(e.LIVE_PAGES_PER_USER) },
    },
  }),
});
