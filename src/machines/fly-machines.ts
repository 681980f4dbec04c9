// The relay's calls to the Fly Machines API (volumes, Machines, wait, leases) for one app. Runs in
// workerd: only the injected fetch. Every answer is parsed with zod and returned as a typed
// result; refusals are classified once (machines/fly-errors.ts), never thrown.
import * as z from "zod/mini";
import "../shared/zod-messages";
import { classifyFlyFailure, type FlyFailure } from "./fly-errors";
import type { FlyMachineConfig } from "./fly-machine-config";
import { type Clock, systemClock } from "../shared/clock";
import { parseRetryAfter } from "../channels/whatsapp/send-policy";
import { withDeadline } from "../shared/deadline";

type FlyConnection = { apiBase: string; app: string; token: string };
type FlyResult<T> = { ok: true; value: T } | FlyFailure;

const MachineStateSchema = z.enum(["created", "starting", "started", "stopping", "stopped", "suspending", "suspended", "replacing", "destroying", "destroyed", "failed", "launch_failed", "updating", "restarting"]);

const MachineSchema = z.object({
  id: z.string().check(z.minLength(1)),
  name: z.string(),
  state: MachineStateSchema,
  region: z.string(),
  instance_id: z.string().check(z.minLength(1)),
  config: z.looseObject({ image: z.string(), env: z.optional(z.record(z.string(), z.string())) }),
  image_ref: z.optional(z.looseObject({ repository: z.optional(z.string()), tag: z.optional(z.string()) })),
  created_at: z.optional(z.string()),
  updated_at: z.optional(z.string()),
  nonce: z.optional(z.string()),
});

const VolumeSchema = z.object({
  id: z.string().check(z.startsWith("vol_")),
  name: z.string(),
  state: z.string(),
  region: z.string(),
  size_gb: z.number(),
  attached_machine_id: z.optional(z.nullable(z.string())),
  created_at: z.optional(z.string()),
});

/** Fly gives `expires_at` in Unix seconds; the relay keeps epoch milliseconds. */
const LeaseSchema = z.pipe(
  z.object({ status: z.optional(z.string()), data: z.object({ nonce: z.string().check(z.minLength(1)), expires_at: z.number(), owner: z.optional(z.string()), version: z.optional(z.string()) }) }),
  z.transform(({ data }) => ({ nonce: data.nonce, expiresAt: data.expires_at * 1000, owner: data.owner ?? "" })),
);

const StartSchema = z.looseObject({ previous_state: z.string() });
const OkSchema = z.looseObject({});
const ErrorBodySchema = z.looseObject({ error: z.optional(z.string()), status: z.optional(z.string()) });

/** Fly answers in well under this; past it the call counts as unreachable and is retried. */
const CALL_TIMEOUT_MS = 30_000;
const NONCE_HEADER = "fly-machine-lease-nonce";

type Call = { method: "GET" | "POST" | "DELETE"; path: string; body?: unknown; nonce?: string; timeoutMs?: number };

/** `clock`: the object's, for reading a Retry-After given as a date. */
export function createFlyMachinesClient(conn: FlyConnection, fetchFn: typeof fetch = (input, init) => fetch(input, init), clock: Clock = systemClock) {
  const base = `${conn.apiBase.replace(/\/+$/, "")}/v1/apps/${encodeURIComponent(conn.app)}`;

  async function call<S extends z.ZodMiniType>(schema: S, request: Call): Promise<FlyResult<z.output<S>>> {
    const headers: Record<string, string> = { authorization: `Bearer ${conn.token}` };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    if (request.nonce) headers[NONCE_HEADER] = request.nonce;
    let res: Response;
    let json: unknown;
    try {
      ({ res, json } = await withDeadline(request.timeoutMs ?? CALL_TIMEOUT_MS, async (signal) => {
        const answered = await fetchFn(`${base}${request.path}`, { method: request.method, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body), signal });
        // A body cut off by the deadline reads as none: judged by the status below.
        return { res: answered, json: (await answered.json().catch(() => null)) as unknown };
      }));
    } catch (error) {
      return { ok: false, failure: "unreachable", message: error instanceof Error ? error.message : String(error) };
    }
    if (res.ok) {
      const parsed = schema.safeParse(json);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: "bad_body", status: res.status, message: parsed.error.message };
    }
    const body = ErrorBodySchema.safeParse(json);
    return classifyFlyFailure(res.status, body.success ? body.data : null, parseRetryAfter(res.headers.get("retry-after"), clock()));
  }

  const id = (machineId: string) => `/machines/${encodeURIComponent(machineId)}`;
  const okOnly = async (result: Promise<FlyResult<unknown>>): Promise<FlyResult<null>> => {
    const r = await result;
    return r.ok ? { ok: true, value: null } : r;
  };

  return {
    listVolumes: () => call(z.array(VolumeSchema), { method: "GET", path: "/volumes" }),
    createVolume: (request: { name: string; region: string; size_gb: number; encrypted?: boolean; compute?: unknown }) =>
      call(VolumeSchema, { method: "POST", path: "/volumes", body: request }),
    getVolume: (volumeId: string) => call(VolumeSchema, { method: "GET", path: `/volumes/${encodeURIComponent(volumeId)}` }),
    deleteVolume: (volumeId: string) => call(VolumeSchema, { method: "DELETE", path: `/volumes/${encodeURIComponent(volumeId)}` }),

    listMachines: () => call(z.array(MachineSchema), { method: "GET", path: "/machines" }),
    createMachine: (request: { name: string; region: string; config: FlyMachineConfig; skip_launch?: boolean; lease_ttl?: number }) =>
      call(MachineSchema, { method: "POST", path: "/machines", body: request }),
    getMachine: (machineId: string) => call(MachineSchema, { method: "GET", path: id(machineId) }),
    /** The whole config: Fly has no partial update. `currentVersion` guards against a concurrent change. */
    updateMachine: (machineId: string, request: { config: FlyMachineConfig; skip_launch?: boolean; currentVersion?: string }, nonce?: string) =>
      call(MachineSchema, {
        method: "POST",
        path: id(machineId),
        body: { config: request.config, ...(request.skip_launch ? { skip_launch: true } : {}), ...(request.currentVersion ? { current_version: request.currentVersion } : {}) },
        nonce,
      }),
    startMachine: async (machineId: string, nonce?: string): Promise<FlyResult<{ previousState: string }>> => {
      const r = await call(StartSchema, { method: "POST", path: `${id(machineId)}/start`, nonce });
      return r.ok ? { ok: true, value: { previousState: r.value.previous_state } } : r;
    },
    stopMachine: (machineId: string, options: { signal?: string; timeout?: string } = {}, nonce?: string) =>
      okOnly(call(OkSchema, { method: "POST", path: `${id(machineId)}/stop`, body: options, nonce })),
    suspendMachine: (machineId: string, nonce?: string) => okOnly(call(OkSchema, { method: "POST", path: `${id(machineId)}/suspend`, nonce })),
    destroyMachine: (machineId: string, options: { force?: boolean } = {}, nonce?: string) =>
      okOnly(call(OkSchema, { method: "DELETE", path: `${id(machineId)}${options.force ? "?force=true" : ""}`, nonce })),
    /** Resolves ok once the Machine is in `state`; 408 (not there in time) is `unavailable`. Fly needs `instanceId` for `stopped`. */
    waitMachine: (machineId: string, options: { state: "started" | "stopped" | "suspended" | "destroyed"; instanceId?: string; timeoutSeconds?: number }) => {
      const seconds = Math.max(1, Math.min(60, options.timeoutSeconds ?? 60));
      const query = new URLSearchParams({ state: options.state, timeout: String(seconds) });
      if (options.instanceId) query.set("instance_id", options.instanceId);
      return okOnly(call(OkSchema, { method: "GET", path: `${id(machineId)}/wait?${query}`, timeoutMs: seconds * 1000 + 10_000 }));
    },

    acquireLease: (machineId: string, ttlSeconds: number, description = "agent relay") =>
      call(LeaseSchema, { method: "POST", path: `${id(machineId)}/lease`, body: { ttl: ttlSeconds, description } }),
    releaseLease: (machineId: string, nonce: string) => okOnly(call(OkSchema, { method: "DELETE", path: `${id(machineId)}/lease`, nonce })),
  };
}
export type FlyMachinesClient = ReturnType<typeof createFlyMachinesClient>;
export type { FlyResult };
