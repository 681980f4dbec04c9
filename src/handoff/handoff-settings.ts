// The hand-off's setting: the offline model a laptop resumes against (LAPTOP_MODEL_URL). Declared
// here (config/settings-declaration.ts's shape) with its field of Config, and listed in agent/.
import { httpUrl, optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";

declare module "../config/config" {
  interface Config {
    /** LAPTOP_MODEL_URL: the offline model a hand-off's laptop resumes against; null: the laptop uses its own login or key. */
    laptopModelUrl: string | null;
  }
}

export const HANDOFF_SETTINGS = settingsPart({
  env: {
    // Local only: the offline model's URL, which a /handoff line's laptop needs to resume there (npm start sets it).
    LAPTOP_MODEL_URL: optional(httpUrl),
  },
  read: (e) => ({ ok: true, config: { laptopModelUrl: e.LAPTOP_MODEL_URL ?? null } }),
});
