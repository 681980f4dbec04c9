// The relay's own setting, its public URL: a part of the settings like any capability's (listed in
// agent/relay-settings.ts), declared here because it is no capability's.
import { httpUrl, optional } from "./config-fields";
import { settingsPart } from "./settings-declaration";

/** The relay's own settings, a part like any other (listed in agent/relay-settings.ts). */
export const RELAY_OWN_SETTINGS = settingsPart({
  env: { PUBLIC_URL: optional(httpUrl) },
  read: (e) => ({ ok: true, config: { publicUrl: e.PUBLIC_URL ?? null } }),
});
