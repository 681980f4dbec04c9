// The doors' key (DOOR_SIGNING_KEY): each GitHub webhook's secret and each trigger's token derive
// from it (door-keys.ts), else from the media links' key. Declared here
// (config/settings-declaration.ts's shape) with its field of Config, and listed in agent/ after media's.
import * as z from "zod/mini";
import { optional } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";

declare module "../config/config" {
  interface Config {
    /** DOOR_SIGNING_KEY, else media.signingSecret: each webhook's secret and trigger's token derive from it (triggers/door-keys.ts); null: none work. */
    doorSigningSecret: string | null;
  }
}

export const DOOR_SETTINGS = settingsPart({
  env: {
    // Optional: without it, GitHub webhooks' secrets and triggers' tokens derive from the media signing secret.
    DOOR_SIGNING_KEY: optional(z.string().check(z.minLength(32, "DOOR_SIGNING_KEY must be at least 32 characters"))),
  },
  read: (e, soFar) => ({ ok: true, config: { doorSigningSecret: e.DOOR_SIGNING_KEY ?? soFar.media?.signingSecret ?? null } }),
});
