// The VM's archive routes as the archive unit calls them (protocol/vm/archive.ts): prepare the
// parts, stream one out or in, restore, and clear. Bodies are streamed, never read whole; every
// answer is checked with zod; failures are returned as one line, never thrown.
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, type ArchivePart, ArchivePreparedSchema, ArchiveRestoredSchema, type ArchiveRestored } from "../../protocol/vm/archive";
import { VmErrorBodySchema } from "../../protocol/vm/routes";
import type { VmConnectionSource } from "./vm-client";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Preparing bundles every workspace (git, sessions): minutes for a large one, never unbounded. */
const PREPARE_TIMEOUT_MS = 10 * 60_000;
/** One part in or out, streamed between the VM and R2. */
const PART_TIMEOUT_MS = 10 * 60_000;
const CONTROL_TIMEOUT_MS = 60_000;

export function createVmArchiveClient(source: VmConnectionSource, userId: string, fetchFn: typeof fetch = (input, init) => fetch(input, init)) {
  const call = async (path: string, init: RequestInit, timeoutMs: number): Promise<Outcome<Response>> => {
    const target = await source.connect();
    if (!target.ok) return { ok: false, error: `VM unreachable: ${target.detail}` };
    try {
      const res = await fetchFn(new URL(path, target.url), { ...init, signal: AbortSignal.timeout(timeoutMs), headers: { authorization: `Bearer ${target.token}`, ...target.headers, ...init.headers } });
      return { ok: true, value: res };
    } catch (error) {
      return { ok: false, error: `VM request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
  /** The VM's refusal in one line: its error body's message, else the status. */
  const refusal = async (what: string, res: Response): Promise<{ ok: false; error: string }> => {
    const body = VmErrorBodySchema.safeParse(await res.json().catch(() => null));
    return { ok: false, error: `${what}: VM answered ${res.status}${body.success ? ` ${body.data.message ?? body.data.error}` : ""}` };
  };
  const json = async <T>(what: string, res: Response, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): Promise<Outcome<T>> => {
    if (!res.ok) return refusal(what, res);
    const parsed = schema.safeParse(await res.json().catch(() => null));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: `${what}: unreadable answer` };
  };
  const empty = async (what: string, res: Response): Promise<Outcome<null>> => {
    if (!res.ok) return refusal(what, res);
    await res.body?.cancel();
    return { ok: true, value: null };
  };
  const post = (path: string, body: unknown, timeoutMs: number) => call(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }, timeoutMs);

  return {
    /** The parts of the user's workspaces and sessions, made ready at the VM (409 while a run is open). */
    async prepare(): Promise<Outcome<ArchivePart[]>> {
      const res = await post(ARCHIVE_ROUTES.archive(userId), {}, PREPARE_TIMEOUT_MS);
      if (!res.ok) return res;
      const prepared = await json("prepare", res.value, ArchivePreparedSchema);
      return prepared.ok ? { ok: true, value: prepared.value.parts } : prepared;
    },
    /** A prepared part's bytes, as a stream of exactly `part.bytes` (the VM sets Content-Length). */
    async partStream(part: ArchivePart): Promise<Outcome<ReadableStream<Uint8Array>>> {
      const res = await call(ARCHIVE_ROUTES.part(userId, part.name), { method: "GET" }, PART_TIMEOUT_MS);
      if (!res.ok) return res;
      if (!res.value.ok || !res.value.body) return refusal(`part ${part.name}`, res.value);
      const length = res.value.headers.get("content-length");
      if (length !== String(part.bytes)) {
        await res.value.body.cancel();
        return { ok: false, error: `part ${part.name}: the VM sends ${length ?? "no"} Content-Length, ${part.bytes} bytes prepared` };
      }
      return { ok: true, value: res.value.body };
    },
    /** One part back onto the VM, streamed; the VM checks it against `part.sha256` (400 otherwise). */
    async putPart(part: ArchivePart, body: ReadableStream<Uint8Array>): Promise<Outcome<null>> {
      const headers = { [ARCHIVE_SHA256_HEADER]: part.sha256, "content-type": "application/octet-stream", "content-length": String(part.bytes) };
      const res = await call(ARCHIVE_ROUTES.part(userId, part.name), { method: "PUT", body, headers }, PART_TIMEOUT_MS);
      return res.ok ? empty(`part ${part.name}`, res.value) : res;
    },
    async restore(parts: readonly ArchivePart[]): Promise<Outcome<ArchiveRestored>> {
      const res = await post(ARCHIVE_ROUTES.restore(userId), { parts }, PREPARE_TIMEOUT_MS);
      return res.ok ? json("restore", res.value, ArchiveRestoredSchema) : res;
    },
    /** Shared mode: the user's directory leaves the shared volume (their archive is checked). */
    async deleteData(): Promise<Outcome<null>> {
      const res = await call(ARCHIVE_ROUTES.data(userId), { method: "DELETE" }, CONTROL_TIMEOUT_MS);
      return res.ok ? empty("delete data", res.value) : res;
    },
    /** The prepared parts are not needed (the user came back first). */
    async clearPrepared(): Promise<Outcome<null>> {
      const res = await call(ARCHIVE_ROUTES.archive(userId), { method: "DELETE" }, CONTROL_TIMEOUT_MS);
      return res.ok ? empty("clear", res.value) : res;
    },
  };
}
export type VmArchiveClient = ReturnType<typeof createVmArchiveClient>;
