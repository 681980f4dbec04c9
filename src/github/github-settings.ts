// GitHub's setting: the local stand-in `npm start` runs (GITHUB_STAND_IN_URL). Declared here
// (config/settings-declaration.ts's shape) with its field of Config, and listed in agent/.
import { httpUrl, optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";

declare module "../config/config" {
  interface Config {
    /** Local only: the GitHub stand-in `npm start` runs, where /github watch registers the webhook itself (null: the user pastes it into GitHub). */
    githubStandInUrl: string | null;
  }
}

export const GITHUB_SETTINGS = settingsPart({
  env: { GITHUB_STAND_IN_URL: optional(httpUrl) },
  read: (e) => ({ ok: true, config: { githubStandInUrl: e.GITHUB_STAND_IN_URL ?? null } }),
});
