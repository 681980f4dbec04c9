// Request bodies of the Machines API as fly-go's machine_types.go and volume_types.go define
// them. Known fields are checked; unknown ones are kept (Fly's config has many more than we use).
import { z } from "zod";

export const SIGNALS = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM"] as const;
export const SignalSchema = z.enum(SIGNALS);

const PortSchema = z.looseObject({
  port: z.number().int().min(0).max(65535).optional(),
  start_port: z.number().int().optional(),
  end_port: z.number().int().optional(),
  handlers: z.array(z.string()).optional(),
  force_https: z.boolean().optional(),
});

/** `autostop` is a bool or "off" | "stop" | "suspend" (fly-go's MachineAutostop). */
const AutostopSchema = z.union([z.boolean(), z.enum(["off", "stop", "suspend"])]);

const ServiceSchema = z.looseObject({
  protocol: z.enum(["tcp", "udp"]),
  internal_port: z.number().int().min(1).max(65535),
  ports: z.array(PortSchema).optional(),
  autostart: z.boolean().optional(),
  autostop: AutostopSchema.optional(),
  min_machines_running: z.number().int().min(0).optional(),
});

const MountSchema = z.looseObject({
  volume: z.string().min(1),
  path: z.string().startsWith("/"),
  name: z.string().optional(),
});

export const GuestSchema = z.looseObject({
  cpu_kind: z.string().optional(),
  cpus: z.number().int().min(1).optional(),
  memory_mb: z.number().int().min(256).multipleOf(256).optional(),
});

export const MachineConfigSchema = z.looseObject({
  image: z.string({ error: "image is required" }).min(1, "image is required"),
  env: z.record(z.string(), z.string()).optional(),
  guest: GuestSchema.optional(),
  mounts: z.array(MountSchema).max(1, "a Machine may mount one volume").optional(),
  services: z.array(ServiceSchema).optional(),
  restart: z.looseObject({ policy: z.enum(["no", "always", "on-failure"]), max_retries: z.number().int().min(0).optional() }).optional(),
  stop_config: z.looseObject({ signal: SignalSchema.optional(), timeout: z.union([z.string(), z.number()]).optional() }).optional(),
  init: z.looseObject({ swap_size_mb: z.number().int().optional() }).optional(),
  schedule: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  auto_destroy: z.boolean().optional(),
});
export type MachineConfig = z.infer<typeof MachineConfigSchema>;

/** POST /v1/apps/{app}/machines (fly-go's LaunchMachineInput). */
export const CreateMachineSchema = z.looseObject({
  config: MachineConfigSchema,
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "name must be lowercase letters, digits and dashes, at most 63").optional(),
  region: z.string().regex(/^[a-z]{3}$/, "region must be a three-letter region code").optional(),
  skip_launch: z.boolean().optional(),
  lease_ttl: z.number().int().min(1).optional(),
});

/** POST /v1/apps/{app}/machines/{id}: the whole config again, never a partial one. */
export const UpdateMachineSchema = CreateMachineSchema.extend({ current_version: z.string().optional() });

export const StopMachineSchema = z.looseObject({ signal: SignalSchema.optional(), timeout: z.union([z.string(), z.number()]).optional() });

export const LeaseRequestSchema = z.looseObject({ ttl: z.number().int().min(1).optional(), description: z.string().optional() });

/** POST /v1/apps/{app}/volumes (fly-go's CreateVolumeRequest). */
export const CreateVolumeSchema = z.looseObject({
  name: z.string().regex(/^[a-z0-9_]{1,30}$/, "volume name must be lowercase letters, digits and underscores, at most 30"),
  region: z.string().regex(/^[a-z]{3}$/).optional(),
  size_gb: z.number().int().min(1).max(500).optional(),
  encrypted: z.boolean().optional(),
  snapshot_retention: z.number().int().min(1).max(60).optional(),
  auto_backup_enabled: z.boolean().optional(),
});

/** The stand-in's own control route: faults to inject (docs/fly-machines.md#faults). */
export const FaultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("http"),
    /** Exact path, or with `*` standing for one path segment. */
    path: z.string().startsWith("/"),
    method: z.string().toUpperCase().optional(),
    status: z.number().int().refine((s) => s === 429 || (s >= 500 && s <= 599), "429 or a 5xx"),
    count: z.number().int().min(1).default(1),
    retryAfterSeconds: z.number().int().min(0).default(1),
  }),
  z.object({ kind: z.literal("capacity"), region: z.string().regex(/^[a-z]{3}$/), count: z.number().int().min(1).optional() }),
  z.object({ kind: z.literal("vanish"), machineId: z.string().optional(), volumeId: z.string().optional() }).refine((f) => Boolean(f.machineId) !== Boolean(f.volumeId), "machineId or volumeId, not both"),
  z.object({ kind: z.literal("lease"), machineId: z.string(), owner: z.string().default("someone-else@tokens.fly.io"), expiresAt: z.number().int() }),
  z.object({ kind: z.literal("drop_snapshot"), machineId: z.string() }),
]);
export type Fault = z.infer<typeof FaultSchema>;
