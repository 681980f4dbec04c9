// The Machine and volume the relay asks Fly for, for one phone: the agent VM image, a guest that
// can be suspended, the volume at DATA_DIR, the Machine's own VM_TOKEN, one HTTP service the
// proxy can reach (autostart on, autostop off: the object alone decides idleness), a restart
// policy, and a stop that gives the VM 30 s to end its runs and flush their logs.

/** Where the volume is mounted; the VM's DATA_DIR. */
export const AGENT_MOUNT_PATH = "/data";
/** The VM's listen port inside the Machine (its PORT), behind the service. */
export const AGENT_INTERNAL_PORT = 8080;
/** shared-cpu-2x with 2 GB: room for three conversations' runs at once and a warm one (docs/vm.md, the memory budget), at suspend's 2 GB limit. */
export const DEFAULT_GUEST = { cpu_kind: "shared", cpus: 2, memory_mb: 2048 } as const;
/** A volume's smallest size: an idle user pays for this much storage. */
const DEFAULT_VOLUME_SIZE_GB = 1;
const STOP_TIMEOUT = "30s";

type FlyGuest = { cpu_kind: string; cpus: number; memory_mb: number };

export type FlyMachineConfig = {
  image: string;
  guest: FlyGuest;
  env: Record<string, string>;
  mounts: { volume: string; path: string }[];
  services: {
    protocol: "tcp";
    internal_port: number;
    ports: { port: number; handlers: string[]; force_https?: boolean }[];
    autostart: boolean;
    autostop: "off" | "stop" | "suspend";
  }[];
  restart: { policy: "no" | "always" | "on-failure"; max_retries?: number };
  stop_config: { signal: "SIGTERM"; timeout: string };
  metadata: Record<string, string>;
};

type AgentMachineInput = {
  image: string;
  volumeId: string;
  /** From machineVmToken(): this Machine's token only. */
  vmToken: string;
  guest?: FlyGuest;
  /** More of the VM's settings (its timers in machines mode); never secrets: the config is readable with the API token. */
  env?: Record<string, string>;
};

export function agentMachineConfig(input: AgentMachineInput): FlyMachineConfig {
  const guest = input.guest ?? DEFAULT_GUEST;
  if (guest.memory_mb > 2048) throw new RangeError("a Machine with more than 2048 MB of memory cannot be suspended");
  return {
    image: input.image,
    guest: { ...guest },
    env: { ...input.env, VM_TOKEN: input.vmToken, DATA_DIR: AGENT_MOUNT_PATH, PORT: String(AGENT_INTERNAL_PORT) },
    mounts: [{ volume: input.volumeId, path: AGENT_MOUNT_PATH }],
    services: [
      {
        protocol: "tcp",
        internal_port: AGENT_INTERNAL_PORT,
        // The proxy reaches a Machine only through a service with public ports and an http handler.
        ports: [
          { port: 443, handlers: ["tls", "http"] },
          { port: 80, handlers: ["http"], force_https: true },
        ],
        autostart: true,
        autostop: "off",
      },
    ],
    // A crash is restarted; the VM's own idle exit (code 0) leaves the Machine stopped.
    restart: { policy: "on-failure", max_retries: 5 },
    stop_config: { signal: "SIGTERM", timeout: STOP_TIMEOUT },
    metadata: { role: "agent" },
  };
}

/** The volume create body: pinned to `region`; `compute` lets Fly place it on a host the Machine fits. */
export function agentVolumeRequest(name: string, region: string, sizeGb = DEFAULT_VOLUME_SIZE_GB, guest: FlyGuest = DEFAULT_GUEST) {
  return { name, region, size_gb: sizeGb, encrypted: true, compute: { ...guest } };
}
