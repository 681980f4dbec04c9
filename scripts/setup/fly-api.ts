// The few Machines API calls the set-up makes (Fly's Apps and Volumes resources, fly-go's
// flaps_apps.go and flaps_volumes.go): is the app there, create it, its volumes and Machines.
// The fetch is injected; answers are parsed with zod.
import { z } from "zod";

export type FlyApi = { base: string; token: string };

const ErrorSchema = z.object({ error: z.string() });
const VolumeSchema = z.object({ id: z.string(), name: z.string(), state: z.string().optional(), region: z.string().optional() });
const MachineSchema = z.object({ id: z.string(), state: z.string().optional() });

/** flyctl's token is a `FlyV1 …` macaroon or a plain one; the API takes either scheme. */
function authorization(token: string): string {
  return /^FlyV1\s/.test(token) ? token : `Bearer ${token}`;
}

async function call(api: FlyApi, method: string, path: string, body: unknown, fetchFn: typeof fetch): Promise<{ status: number; json: unknown }> {
  const url = `${api.base.replace(/\/+$/, "")}/v1${path}`;
  const res = await fetchFn(url, {
    method,
    headers: { authorization: authorization(api.token), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }).catch((error: unknown) => {
    throw new Error(`${method} ${url}: the Machines API was not reached (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)})`);
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

function failure(what: string, r: { status: number; json: unknown }): Error {
  const parsed = ErrorSchema.safeParse(r.json);
  return new Error(`${what}: the Machines API answered ${r.status}${parsed.success ? ` (${parsed.data.error})` : ""}`);
}

/** `GET /v1/apps/{app}`: 200 it exists, 404 it does not. */
export async function appExists(api: FlyApi, app: string, fetchFn: typeof fetch = fetch): Promise<boolean> {
  const r = await call(api, "GET", `/apps/${encodeURIComponent(app)}`, undefined, fetchFn);
  if (r.status === 200) return true;
  if (r.status === 404) return false;
  throw failure(`GET /v1/apps/${app}`, r);
}

/** `POST /v1/apps` `{ app_name, org_slug }`: 201. */
export async function createApp(api: FlyApi, app: string, org: string, fetchFn: typeof fetch = fetch): Promise<void> {
  const r = await call(api, "POST", "/apps", { app_name: app, org_slug: org }, fetchFn);
  if (r.status !== 201 && r.status !== 200) throw failure(`creating the app ${app}`, r);
}

/** The app's volumes named `name` that are not destroyed. */
export async function volumesNamed(api: FlyApi, app: string, name: string, fetchFn: typeof fetch = fetch): Promise<number> {
  const r = await call(api, "GET", `/apps/${encodeURIComponent(app)}/volumes`, undefined, fetchFn);
  if (r.status !== 200) throw failure(`listing the volumes of ${app}`, r);
  const volumes = z.array(VolumeSchema).parse(r.json);
  return volumes.filter((v) => v.name === name && v.state !== "destroyed" && v.state !== "pending_destroy").length;
}

/** `POST /v1/apps/{app}/volumes` `{ name, region, size_gb }`: the new volume's id. */
export async function createVolume(api: FlyApi, app: string, input: { name: string; region: string; sizeGb: number }, fetchFn: typeof fetch = fetch): Promise<string> {
  const r = await call(api, "POST", `/apps/${encodeURIComponent(app)}/volumes`, { name: input.name, region: input.region, size_gb: input.sizeGb }, fetchFn);
  if (r.status !== 200 && r.status !== 201) throw failure(`creating the volume ${input.name}`, r);
  return VolumeSchema.parse(r.json).id;
}

/** The app's Machines that are not destroyed. */
export async function machineCount(api: FlyApi, app: string, fetchFn: typeof fetch = fetch): Promise<number> {
  const r = await call(api, "GET", `/apps/${encodeURIComponent(app)}/machines`, undefined, fetchFn);
  if (r.status !== 200) throw failure(`listing the Machines of ${app}`, r);
  return z.array(MachineSchema).parse(r.json).filter((m) => m.state !== "destroyed").length;
}
