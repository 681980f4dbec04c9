// The archive unit: after ARCHIVE_AFTER_DAYS unused, the user's workspaces and sessions go from
// the VM to R2 (streamed, each part checked by R2 against its sha256, then a manifest, then every
// part looked at again), and only then are the Machine and volume deleted (shared mode: the user's
// directory). A message (a task, an event) for an archived user brings them back onto a new Machine
// first; the runs wait meanwhile. It alone writes the `archive` row; the decisions are
// archive/archive-plan.ts's. A failure anywhere is a row (last error, retry time), never a deletion.
import { type ArchiveChore, archiveHoldsRuns, archiveRetryDelayMs, type Demand, nextArchiveChore } from "./archive-plan";
import { archiveBytes, archiveFolder, type ArchiveManifest, archiveManifestKey, archivePartKey, archiveUserPrefix, partMismatch } from "./archive-keys";
import { toHex } from "../shared/encoding";
import type { Log } from "../shared/log";
import { ARCHIVE_RESTORING, archiveRestoreFailedNotice } from "./archive-replies";
import type { ArchivePart } from "../protocol/vm/archive";
import type { ArchiveView } from "../machines/machine-report";
import type { VmArchiveClient } from "./vm-archive";
import type { VmConnectionSource } from "../machines/vm-client";
import type { ArchiveRepo, ArchiveRow } from "./archive-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";

type Done = { ok: true } | { ok: false; error: string };
const OK: Done = { ok: true };


export function createArchiveUnit(d: {
  repo: ArchiveRepo;
  /** The ARCHIVE bucket; absent: nobody is archived (and no volume is deleted). */
  bucket: R2Bucket | undefined;
  /** ARCHIVE_AFTER_DAYS in milliseconds. */
  afterMs: number;
  user: string;
  vm: VmArchiveClient;
  /** Machines mode: the Machine and volume to delete once the archive is checked; null in shared mode. */
  machine: { discard(now: number): Promise<{ ok: true } | { ok: false; failure: string; message?: string }>; hasFiles(): boolean } | null;
  /** What waits or runs now (cheap); the rest is read only when nothing does. */
  demand: () => Demand;
  /** The last message, task or event the agent got (else the last run's end); null: never used. */
  lastUseAt: () => number | null;
  nextScheduleAt: () => number | null;
  lastRunEndedAt: () => number | null;
  outbox: Pick<OutboxRepo, "add">;
  log: Log;
  random?: () => number;
}) {
  const { repo, bucket } = d;
  const random = d.random ?? Math.random;
  const reads = {
    // Shared mode: any user who wrote may have a directory on the shared volume.
    idle: () => ({ lastUseAt: d.lastUseAt(), nextScheduleAt: d.nextScheduleAt(), hasFiles: d.machine ? d.machine.hasFiles() : true }),
    lastRunEndedAt: d.lastRunEndedAt,
  };
  const due = (): ArchiveChore | null => nextArchiveChore(repo.get(), d.demand(), reads, bucket ? d.afterMs : null);

  /** Before each attempt: when to try again should it fail or be cut off (an eviction leaves this). */
  const attempting = (now: number, change: Partial<ArchiveRow> = {}): ArchiveRow => {
    const failures = repo.get().failures + 1;
    return repo.patch({ ...change, failures, retryAt: now + archiveRetryDelayMs(failures, random(), d.afterMs) }, now);
  };
  const failed = (kind: ArchiveChore["kind"], error: string, now: number): void => {
    const r = repo.patch({ lastError: `${kind}: ${error}`.slice(0, 300) }, now);
    d.log("archive_failed", { chore: kind, error: r.lastError, retryAt: r.retryAt, failures: r.failures });
  };
  const settled = { retryAt: null, failures: 0, lastError: null } as const;

  /** Every part from the VM into R2 (piped, R2 checks each sha256), the manifest, then each part looked at again. */
  async function archive(folder: string, now: number): Promise<{ ok: true; parts: ArchivePart[] } | { ok: false; error: string }> {
    const prepared = await d.vm.prepare();
    if (!prepared.ok) return prepared;
    for (const part of prepared.value) {
      const stream = await d.vm.partStream(part);
      if (!stream.ok) return stream;
      try {
        await bucket!.put(archivePartKey(folder, part.name), stream.value, { sha256: part.sha256, httpMetadata: { contentType: "application/octet-stream" } });
      } catch (error) {
        return { ok: false, error: `R2 refused part ${part.name}: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    const manifest: ArchiveManifest = { version: 1, createdAt: now, parts: prepared.value };
    try {
      await bucket!.put(archiveManifestKey(folder), JSON.stringify(manifest), { httpMetadata: { contentType: "application/json" } });
    } catch (error) {
      return { ok: false, error: `R2 refused the manifest: ${error instanceof Error ? error.message : String(error)}` };
    }
    for (const part of prepared.value) {
      const head = await bucket!.head(archivePartKey(folder, part.name));
      const sha = head?.checksums.sha256;
      const mismatch = partMismatch(part, head && { size: head.size, sha256: sha ? toHex(new Uint8Array(sha)) : null });
      if (mismatch) return { ok: false, error: mismatch };
    }
    return { ok: true, parts: prepared.value };
  }

  /** Each part from R2 onto the VM (streamed; the VM checks its sha256), then the VM's restore. */
  async function restore(r: ArchiveRow): Promise<Done> {
    if (!r.folder || r.parts.length === 0) return { ok: false, error: "the archive's row names no parts" };
    for (const part of r.parts) {
      const object = await bucket!.get(archivePartKey(r.folder, part.name));
      if (!object) return { ok: false, error: `part ${part.name} is missing from R2` };
      const put = await d.vm.putPart(part, object.body);
      if (!put.ok) return put;
    }
    const restored = await d.vm.restore(r.parts);
    if (!restored.ok) return restored;
    d.log("archive_restored", { workspaces: restored.value.workspaces.length, sessions: restored.value.sessions, bytes: r.bytes });
    return OK;
  }

  /** The archive's objects in R2 (a dropped or a used one). Listing by its folder: nothing of another archive. */
  async function deleteFolder(folder: string): Promise<void> {
    for (let cursor: string | undefined; ; ) {
      const listed = await bucket!.list({ prefix: folder, cursor });
      if (listed.objects.length > 0) await bucket!.delete(listed.objects.map((o) => o.key));
      if (!listed.truncated) return;
      cursor = listed.cursor;
    }
  }

  async function carryOut(chore: ArchiveChore, now: number): Promise<void> {
    const r = repo.get();
    switch (chore.kind) {
      case "archive": {
        const folder = r.status === "archiving" && r.folder ? r.folder : archiveFolder(await archiveUserPrefix(d.user), now);
        attempting(now, { status: "archiving", folder });
        const done = await archive(folder, now);
        if (!done.ok) return failed("archive", done.error, now);
        repo.patch({ status: "checked", parts: done.parts, bytes: archiveBytes(done.parts), archivedAt: now, ...settled }, now);
        d.log("archive_checked", { parts: done.parts.length, bytes: archiveBytes(done.parts) });
        return;
      }
      case "discard": {
        attempting(now);
        const done = d.machine ? await d.machine.discard(now) : await d.vm.deleteData();
        if (!done.ok) return failed("discard", "error" in done ? done.error : `${done.failure} ${done.message ?? ""}`.trim(), now);
        repo.patch({ status: "archived", ...settled }, now);
        d.log("archived", { bytes: r.bytes });
        return;
      }
      case "abandon": {
        // The user came back before anything was deleted: their files stay where they are.
        if (r.folder) await deleteFolder(r.folder).catch(() => undefined);
        await d.vm.clearPrepared();
        repo.patch({ status: "live", folder: null, parts: [], bytes: null, archivedAt: null, ...settled }, now);
        d.log("archive_abandoned", {});
        return;
      }
      case "announce":
        d.outbox.add({ dedupeKey: `archive-restoring:${r.archivedAt}`, body: ARCHIVE_RESTORING, now });
        repo.patch({ status: "restoring" }, now);
        return;
      case "restore": {
        attempting(now);
        const done = await restore(r);
        if (!done.ok) {
          d.outbox.add({ dedupeKey: `archive-restore-failed:${r.archivedAt}`, body: archiveRestoreFailedNotice(done.error.slice(0, 120)), now });
          return failed("restore", done.error, now);
        }
        repo.patch({ status: "restored", restoredAt: now, ...settled }, now);
        return;
      }
      case "forget": {
        // Restored and used since: the archive in R2 is no longer the only copy.
        if (r.folder) await deleteFolder(r.folder);
        repo.patch({ status: "live", folder: null, parts: [], bytes: null, archivedAt: null, restoredAt: null, ...settled }, now);
        d.log("archive_forgotten", {});
        return;
      }
    }
  }

  return {
    name: "archive",
    /** Not kept in due_times: the archive's time moves with every message, run and task. */
    nextDueAt: (_now: number): number | null => due()?.at ?? null,
    async runDue(now: number): Promise<void> {
      const chore = due();
      if (!chore || chore.at > now) return;
      try {
        await carryOut(chore, now);
      } catch (error) {
        // R2's or the network's throw is an expected failure: a row, and the retry already written.
        failed(chore.kind, error instanceof Error ? error.message : String(error), now);
      }
    },
    /** Runs wait while the user's files are not on a VM, or about to leave it. */
    blockedUntil(now: number): number | null {
      const r = repo.get();
      return archiveHoldsRuns(r.status) ? (r.retryAt ?? now) : null;
    },
    /** The VM for everything but the archive's own calls: refused while the files are in the archive. */
    gate(source: VmConnectionSource): VmConnectionSource {
      return {
        ready: () => !archiveHoldsRuns(repo.get().status) && source.ready(),
        connect: (at) => (archiveHoldsRuns(repo.get().status) ? Promise.resolve({ ok: false as const, detail: "your projects are in the archive; they come back with your next message" }) : source.connect(at)),
        unreachable: () => source.unreachable(),
      };
    },
    describe(): ArchiveView | null {
      const r = repo.get();
      if (r.status === "live" && r.lastError === null) return null;
      return { status: r.status, archivedAt: r.archivedAt, bytes: r.bytes, lastError: r.lastError };
    },
  };
}
export type ArchiveUnit = ReturnType<typeof createArchiveUnit>;
