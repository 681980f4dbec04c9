// What a Machine's process gets in its environment: the host's basics, as an image's own
// environment would give them, the app's secrets, its config's env (paths under its mount pointing
// at the volume's directory on this host), and the variables Fly sets in every Machine.
import type { MachineRecord } from "../core/machine-view";

/** What a Machine inherits from the host, as an image's own environment would give it. */
const HOST_ENV = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SHELL", "USER"];

export type MachineEnvironmentOptions = {
  /** The app's secrets (`fly secrets set`). */
  secrets: Record<string, string>;
  primaryRegion: string;
  /** The directory on this host that stands for volume `id`. */
  volumeDir: (id: string) => string;
};

export function machineEnvironment(record: MachineRecord, port: number, options: MachineEnvironmentOptions): Record<string, string> {
  const mount = record.config.mounts?.[0];
  const dir = mount ? options.volumeDir(mount.volume) : undefined;
  const env: Record<string, string> = {};
  for (const name of HOST_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, options.secrets, record.config.env ?? {});
  // The mount path does not exist on this host: values naming it point at the volume's directory.
  if (mount && dir) for (const [key, value] of Object.entries(env)) if (value === mount.path || value.startsWith(`${mount.path}/`)) env[key] = dir + value.slice(mount.path.length);
  Object.assign(env, {
    PORT: String(port),
    HOST: "127.0.0.1",
    FLY_APP_NAME: record.app,
    FLY_MACHINE_ID: record.id,
    FLY_ALLOC_ID: record.id,
    FLY_REGION: record.region,
    FLY_MACHINE_VERSION: record.instanceId,
    FLY_IMAGE_REF: record.config.image,
    PRIMARY_REGION: options.primaryRegion,
    ...(dir ? { DATA_DIR: dir } : {}),
  });
  return env;
}
