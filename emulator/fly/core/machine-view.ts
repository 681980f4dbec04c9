// How a Machine and a volume look on the wire (fly-go's Machine and Volume structs).
import type { MachineConfig } from "./schemas";

export const MACHINE_STATES = ["created", "starting", "started", "stopping", "stopped", "suspending", "suspended", "destroying", "destroyed"] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export type MachineEvent = { type: string; status: string; source: "user" | "flyd"; timestamp: number; request?: Record<string, unknown> };
export type Lease = { nonce: string; expiresAt: number; owner: string; description: string; version: string };

export type MachineRecord = {
  id: string;
  app: string;
  name: string;
  region: string;
  state: MachineState;
  instanceId: string;
  config: MachineConfig;
  createdAt: number;
  updatedAt: number;
  /** Newest first, as Fly returns them. */
  events: MachineEvent[];
  lease: Lease | null;
};

export type VolumeRecord = {
  id: string;
  app: string;
  name: string;
  region: string;
  sizeGb: number;
  encrypted: boolean;
  state: "created" | "destroyed";
  attachedMachineId: string | null;
  createdAt: number;
  snapshotRetention: number;
  autoBackupEnabled: boolean;
};

/** `registry/repository:tag@digest` split the way Fly's image_ref is. */
export function imageRef(image: string) {
  const [withoutDigest = "", digest = ""] = image.split("@");
  const slash = withoutDigest.indexOf("/");
  const hasRegistry = slash > 0 && /[.:]|^localhost$/.test(withoutDigest.slice(0, slash));
  const registry = hasRegistry ? withoutDigest.slice(0, slash) : "registry-1.docker.io";
  const rest = hasRegistry ? withoutDigest.slice(slash + 1) : withoutDigest;
  const colon = rest.lastIndexOf(":");
  const repository = colon > 0 ? rest.slice(0, colon) : rest;
  const tag = colon > 0 ? rest.slice(colon + 1) : digest ? "" : "latest";
  return { registry, repository, tag, digest, labels: {} };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function machineView(machine: MachineRecord, extra: { nonce?: string } = {}) {
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    image_ref: imageRef(machine.config.image),
    instance_id: machine.instanceId,
    private_ip: `fdaa:0:1:a7b:${machine.id.slice(0, 4)}:${machine.id.slice(4, 8)}:${machine.id.slice(8, 12)}:2`,
    created_at: iso(machine.createdAt),
    updated_at: iso(machine.updatedAt),
    config: machine.config,
    events: machine.events,
    host_status: "ok",
    cordoned: false,
    ...(extra.nonce ? { nonce: extra.nonce } : {}),
  };
}

export function volumeView(volume: VolumeRecord) {
  const blocks = volume.sizeGb * 262_144;
  return {
    id: volume.id,
    name: volume.name,
    state: volume.state,
    size_gb: volume.sizeGb,
    region: volume.region,
    zone: volume.id.slice(4, 8),
    encrypted: volume.encrypted,
    attached_machine_id: volume.attachedMachineId,
    attached_alloc_id: null,
    created_at: new Date(volume.createdAt).toISOString(),
    blocks,
    block_size: 4096,
    blocks_free: blocks,
    blocks_avail: blocks,
    fstype: "ext4",
    snapshot_retention: volume.snapshotRetention,
    auto_backup_enabled: volume.autoBackupEnabled,
    host_dedication_key: "",
  };
}

export function leaseView(lease: Lease) {
  return {
    status: "success",
    data: { nonce: lease.nonce, expires_at: Math.floor(lease.expiresAt / 1000), owner: lease.owner, description: lease.description, version: lease.version },
  };
}
