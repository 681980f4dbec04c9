// What the worker-machines tests read and do at the Fly stand-in: the app's Machines and volumes
// through the Machines API (as an operator with the token would), faults, and the phone's names.
import { env } from "cloudflare:workers";
import { flyResourceNames } from "../../src/machines/fly-identity";

type FlyMachine = { id: string; name: string; state: string; region: string; config: { image: string; env?: Record<string, string> } };
type FlyVolume = { id: string; name: string; state: string; region: string; attached_machine_id?: string | null };

/** The stand-in keeps Fly's rate limits, for the tests' reads too: wait as Retry-After says. */
async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  for (;;) {
    const res = await fetch(`${env.FLY_API_BASE}/v1/apps/${env.FLY_APP}${path}`, { ...init, headers: { authorization: `Bearer ${env.FLY_API_TOKEN}`, "content-type": "application/json" } });
    if (res.status === 429) {
      await res.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get("retry-after") ?? "1") * 1000));
      continue;
    }
    if (!res.ok) throw new Error(`fly ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

export const namesOf = (phone: string) => flyResourceNames(env.VM_TOKEN!, phone);

export async function machinesOf(phone: string): Promise<FlyMachine[]> {
  const { machine } = await namesOf(phone);
  return (await api<FlyMachine[]>("/machines")).filter((m) => m.name === machine);
}

export async function volumesOf(phone: string): Promise<FlyVolume[]> {
  const { volume } = await namesOf(phone);
  return (await api<FlyVolume[]>("/volumes")).filter((v) => v.name === volume && v.state !== "destroyed");
}

/** Makes the phone's volume and Machine as its object would, without the object knowing. */
export async function precreate(phone: string, machineCommandEnv: Record<string, string>): Promise<{ volumeId: string; machineId: string }> {
  const names = await namesOf(phone);
  const volume = await api<FlyVolume>("/volumes", { method: "POST", body: JSON.stringify({ name: names.volume, region: "iad", size_gb: 1 }) });
  const machine = await api<FlyMachine>("/machines", {
    method: "POST",
    body: JSON.stringify({
      name: names.machine,
      region: "iad",
      config: { image: env.FLY_IMAGE, env: machineCommandEnv, mounts: [{ volume: volume.id, path: "/data" }], services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }], autostart: true, autostop: "off" }] },
    }),
  });
  return { volumeId: volume.id, machineId: machine.id };
}

export async function flyFault(fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${env.FLY_API_BASE}/__fly/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`fault: ${res.status} ${await res.text()}`);
}

export async function clearFlyFaults(): Promise<void> {
  await fetch(`${env.FLY_API_BASE}/__fly/faults`, { method: "DELETE" });
}

/** Changes the Machine behind the relay's back, as an operator would with the API. */
export async function flyCall(path: string, method: "GET" | "POST" | "DELETE", body?: unknown): Promise<unknown> {
  return api(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
}
