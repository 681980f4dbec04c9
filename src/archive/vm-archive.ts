// The VM's archive routes as the archive unit calls them (protocol/vm/archive.ts): prepare the
// parts, stream one out or in, restore, and clear. Bodies are streamed, never read whole; every
// answer is checked with zod; failures are returned as one line, never thrown.
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, type ArchivePart, ArchivePreparedSchema, ArchiveRestoredSchema, type ArchiveRestored } from "../protocol/vm/archive";
import { VmErrorBodySchema } from "../protocol/vm/routes";
import type { VmConnectionSource } from "../machines/vm-client";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };
/** A VM's answer, and what ends its deadline's timer. */
type Answer = { res: Response; done: () => void };

/** Preparing bundles every workspace (git, sessions): minutes for a large one, never unbounded. */
const PREPARE_TIMEOUT_MS = 10 * 60_000;
/** One part in or out, streamed between the VM and R2. */
const PART_TIMEOUT_MS = 10 * 60_000;
const CONTROL_TIMEOUT_MS = 60_000;

export function createVmArchiveClient(source: VmConnectionSource, userId: string, fetchFn: typeof fetch = (input, init) => fetch(input, init)) {
  /**
   * One request and its deadline, which also bounds reading its body; `done` clears the timer once
   * the body is read, refused or handed on and finished. Not AbortSignal.timeout: its timer runs its
   * whole length after the call (minutes here), keeping the object busy (shared/deadline.ts).
   */
  const call = async (path: string, init: RequestInit, timeoutMs: number): Promise<Outcome<Answer>> => {
    const target = await source.connect();
    if (!target.ok) return { ok: false, error: `VM unreachable: ${target.detail}` };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`The operation was aborted due to timeout (${timeoutMs} ms)`, "TimeoutError")), timeoutMs);
    const done = () => clearTimeout(timer);
    try {
      const res = await fetchFn(new URL(path, target.url), { ...init, signal: controller.signal, headers: { authorization: `Bearer ${target.token}`, ...target.headers, ...init.headers } });
      return { ok: true, value: { res, done } };
    } catch (error) {
      done();
      return { ok: false, error: `VM request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
  /** The VM's refusal in one line: its error body's message, else the status. */
  const refusal = async (what: string, { res, done }: Answer): Promise<{ ok: false; error: string }> => {
    try {
      const body = VmErrorBodySchema.safeParse(await res.json().catch(() => null));
      return { ok: false, error: `${what}: VM answered ${res.status}${body.success ? ` ${body.data.message ?? body.data.error}` : ""}` };
    } finally {
      done();
    }
  };
  const json = async <T>(what: string, answer: Answer, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): Promise<Outcome<T>> => {
    if (!answer.res.ok) return refusal(what, answer);
    try {
      const parsed = schema.safeParse(await answer.res.json().catch(() => null));
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: `${what}: unreadable answer` };
    } finally {
      answer.done();
    }
  };
  const empty = async (what: string, answer: Answer): Promise<Outcome<null>> => {
    if (!answer.res.ok) return refusal(what, answer);
    try {
      await answer.res.body?.cancel();
      return { ok: true, value: null };
    } finally {
      answer.done();
    }
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
      const answered = await call(ARCHIVE_ROUTES.part(userId, part.name), { method: "GET" }, PART_TIMEOUT_MS);
      if (!answered.ok) return answered;
      const { res, done } = answered.value;
      if (!res.ok || !res.body) return refusal(`part ${part.name}`, answered.value);
      const length = res.headers.get("content-length");
      if (length !== String(part.bytes)) {
        await res.body.cancel();
        done();
        return { ok: false, error: `part ${part.name}: the VM sends ${length ?? "no"} Content-Length, ${part.bytes} bytes prepared` };
      }
      // R2 takes a stream of known length; the deadline ends with the stream (read to its end, cut, or refused).
      const fixed = new FixedLengthStream(part.bytes);
      void res.body.pipeTo(fixed.writable).catch(() => {}).finally(done);
      return { ok: true, value: fixed.readable };
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
