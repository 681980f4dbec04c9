// What /users and /vm say about the users' Machines (VM_MODE=machines), and which Machines and
// volumes of FLY_APP no user's object owns (the sweep). Pure: the facts in, the text out.
import { formatAgo } from "../shared/format-ago";

/** A user's Machine as their object knows it (the `machine` row). */
export type MachineView = {
  machineId: string | null;
  machineName: string;
  volumeId: string | null;
  volumeName: string;
  state: string;
  region: string | null;
  image: string | null;
  startedAt: number | null;
  coldStartMs: number | null;
  retiredAt: number | null;
  lastError: string | null;
};

/** A user's archive in R2 (ARCHIVE_AFTER_DAYS), as the archive unit knows it. */
export type ArchiveView = {
  status: "live" | "archiving" | "checked" | "archived" | "restoring" | "restored";
  archivedAt: number | null;
  bytes: number | null;
  lastError: string | null;
};

const ARCHIVE_STATE: Record<ArchiveView["status"], string> = {
  live: "not archived",
  archiving: "being archived",
  checked: "archived, Machine being deleted",
  archived: "archived",
  restoring: "being restored",
  restored: "restored, archive kept until used",
};

/** One line: "archived 9 days ago, 4.2 MB · last error: …"; null when there is nothing to say. */
export function archiveLine(a: ArchiveView | null | undefined, now: number): string | null {
  if (!a) return null;
  const age = a.archivedAt === null ? "" : ` ${formatAgo(a.archivedAt, now)}`;
  const size = a.bytes === null ? "" : `, ${formatBytes(a.bytes)}`;
  return `archive: ${ARCHIVE_STATE[a.status]}${a.status === "live" || a.status === "archiving" ? "" : `${age}${size}`}${a.lastError ? ` · last error: ${a.lastError}` : ""}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One line: "Machine 6f64265fb3067a suspended in iad · started 3 min ago (cold start 0.4 s) · image …". */
export function machineLine(m: MachineView | null, now: number): string {
  if (!m) return "no Machine yet";
  if (!m.machineId) {
    const volume = m.volumeId ? ` · volume ${m.volumeId} kept${m.retiredAt !== null ? ` since retirement ${formatAgo(m.retiredAt, now)}` : ""}` : "";
    return `no Machine${volume}${m.lastError ? ` · last error: ${m.lastError}` : ""}`;
  }
  const started = m.startedAt === null ? "" : ` · started ${formatAgo(m.startedAt, now)}${m.coldStartMs === null ? "" : ` (cold start ${(m.coldStartMs / 1000).toFixed(1)} s)`}`;
  const image = m.image ? ` · image ${m.image}` : "";
  const error = m.lastError ? ` · last error: ${m.lastError}` : "";
  return `Machine ${m.machineId} ${m.state === "unknown" ? "(state being checked)" : m.state} in ${m.region ?? "?"}${started}${image}${error}`;
}

type Listed = { id: string; name: string; state: string; region: string };
export type FlyListing = { machines: readonly Listed[]; volumes: readonly (Listed & { sizeGb: number })[] };
/** What the users' objects hold: ids, and names too (a create under way has a name before an id). */
export type Owned = { ids: ReadonlySet<string>; names: ReadonlySet<string> };

/** What the directory records (and, for rows made before it did, the derived names): owned by name, ids aside. */
export function ownedBy(names: readonly { machine: string; volume: string }[]): Owned {
  return { ids: new Set(), names: new Set(names.flatMap((n) => [n.machine, n.volume])) };
}

const gone = (state: string) => state.startsWith("destroy") || state === "pending_destroy";

/** Machines and volumes of the app that no object owns, by id or by name; destroyed ones aside. */
export function findOrphans(listing: FlyListing, owned: Owned): FlyListing {
  const unowned = <T extends Listed>(r: T) => !gone(r.state) && !owned.ids.has(r.id) && !owned.names.has(r.name);
  return { machines: listing.machines.filter(unowned), volumes: listing.volumes.filter(unowned) };
}

export type MachineUserLine = { phone: string; machine: MachineView | null | "no_answer"; archive?: ArchiveView | null };

export function machinesReport(o: { users: readonly MachineUserLine[]; orphans: FlyListing | null; app: string; now: number }): string {
  const lines = [`Machines of ${o.app} (${o.users.length} users):`];
  for (const u of o.users) {
    const archive = archiveLine(u.archive, o.now);
    lines.push(`${u.phone} · ${u.machine === "no_answer" ? "its agent did not answer" : machineLine(u.machine, o.now)}${archive ? ` · ${archive}` : ""}`);
  }
  if (o.orphans === null) lines.push("⚠️ The Machines API or the directory did not answer: Machines no user owns could not be listed.");
  else if (o.orphans.machines.length + o.orphans.volumes.length === 0) lines.push("No Machine or volume without an owner.");
  else {
    lines.push(`Owned by no user (${o.orphans.machines.length} Machines, ${o.orphans.volumes.length} volumes); /vm sweep destroys them:`);
    for (const m of o.orphans.machines) lines.push(`· Machine ${m.id} "${m.name}" ${m.state} in ${m.region}`);
    for (const v of o.orphans.volumes) lines.push(`· volume ${v.id} "${v.name}" ${v.sizeGb} GB in ${v.region}`);
  }
  return lines.join("\n");
}

export function sweepReport(r: { machines: readonly string[]; volumes: readonly string[]; failed: readonly string[] }): string {
  if (r.machines.length + r.volumes.length + r.failed.length === 0) return "Nothing to sweep: every Machine and volume has an owner.";
  const done = `Destroyed ${r.machines.length} Machines and ${r.volumes.length} volumes no user owned.`;
  return r.failed.length === 0 ? done : `${done} Not destroyed (the API refused; /vm shows them): ${r.failed.join(", ")}.`;
}
