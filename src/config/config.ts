// The relay's configuration as the code reads it: `Config`, to which each capability adds its
// fields where it declares its settings (settings-declaration.ts's shape, in its own folder:
// channels/config.ts, machines/machines-settings.ts, ...), and what a load of it answers. The list of
// parts is joined in agent/relay-settings.ts and read by load-config.ts.

/**
 * The relay's configuration, read by name across the code. Each capability adds its fields where it
 * declares its settings (declaration merging: `declare module "../config/config" { interface Config … }`).
 */
export interface Config {
  /** PUBLIC_URL: the relay's own address, where links and webhooks point; null when unset. */
  publicUrl: string | null;
}

/** `problems`: each as `NAME: why`, never with a value (config-fields.ts's ConfigProblems). */
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

