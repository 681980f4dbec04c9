// What the worker-archive tests read and do: the user's archive row and R2 objects, and the VM
// stand-in inside a user's Machine (reached through the Fly proxy, as the relay reaches it).
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { archiveUserPrefix } from "../../src/archive/archive-keys";
import type { StandInRequest } from "../stand-ins/vm-stand-in-types";
import { eventually, query, sendInbound, sentTo } from "../worker/helpers";
import { machinesOf } from "../worker-machines/fly-helpers";

export type ArchiveRowSql = { status: string; folder: string | null; parts_json: string | null; bytes: number | null; failures: number; last_error: string | null; retry_at: number | null };

export const archiveRow = async (phone: string): Promise<ArchiveRowSql | null> => (await query<ArchiveRowSql>(phone, "SELECT status, folder, parts_json, bytes, failures, last_error, retry_at FROM archive"))[0] ?? null;

/** Every key in R2 under the user's own prefix. */
export async function archiveKeys(phone: string): Promise<string[]> {
  const listed = await env.ARCHIVE!.list({ prefix: await archiveUserPrefix(phone) });
  return listed.objects.map((o) => o.key);
}

/** The stand-in inside the phone's Machine, through the proxy. */
async function machineStandIn(phone: string, path: string, init: RequestInit = {}): Promise<Response> {
  const [machine] = await machinesOf(phone);
  if (!machine) throw new Error(`no Machine for ${phone}`);
  return fetch(`${inject("flyProxyUrl")}${path}`, { ...init, headers: { "fly-force-instance-id": machine.id, "content-type": "application/json" } });
}

export async function archiveFault(phone: string, fault: { corruptParts?: number; holdPartMs?: number; cutRestores?: number }): Promise<void> {
  const res = await machineStandIn(phone, "/__stand-in/archive-fault", { method: "POST", body: JSON.stringify({ userId: phone, ...fault }) });
  if (!res.ok) throw new Error(`archive fault: ${res.status}`);
}

/**
 * The user's first message, answered with `arm` done while its run is held open: an archive falls
 * due only after the run ends, so none is made before the fault is in place (under load an answer
 * took longer than ARCHIVE_AFTER_DAYS here, and the archive came first).
 */
export async function firstRunThen(phone: string, arm: () => Promise<void>): Promise<void> {
  const before = (await sentTo(phone)).length;
  await sendInbound(phone, "hello [[vm:hold]]");
  await eventually(async () => (await machineRequests(phone).catch(() => [])).some((r) => r.kind === "start"), 30_000);
  await arm();
  const res = await machineStandIn(phone, "/__stand-in/release", { method: "POST", body: JSON.stringify({ userId: phone }) });
  if (!res.ok) throw new Error(`release: ${res.status}`);
  await eventually(async () => (await sentTo(phone)).length > before, 30_000);
}

export async function machineRequests(phone: string): Promise<StandInRequest[]> {
  const res = await machineStandIn(phone, `/__stand-in/requests?userId=${encodeURIComponent(phone)}`);
  return ((await res.json()) as { requests: StandInRequest[] }).requests;
}
