// The user's archive in R2 as the relay knows it: one row, read when the object plans its alarm
// and written by the archive unit alone at each step of an archive or a restore.
import * as z from "zod/mini";
import { ArchivePartSchema, type ArchivePart } from "../protocol/vm/archive";
import type { ArchiveStatus } from "./archive-plan";
import { readJson } from "../shared/json-text";
import { memo, type Sql } from "../shared/sql";

const StatusSchema = z.enum(["live", "archiving", "checked", "archived", "restoring", "restored"]);
const PartsSchema = z.array(ArchivePartSchema);

type ArchiveRowSql = {
  status: string;
  folder: string | null;
  parts_json: string | null;
  bytes: number | null;
  archived_at: number | null;
  restored_at: number | null;
  retry_at: number | null;
  failures: number;
  last_error: string | null;
};

export type ArchiveRow = {
  status: ArchiveStatus;
  folder: string | null;
  parts: ArchivePart[];
  bytes: number | null;
  archivedAt: number | null;
  restoredAt: number | null;
  retryAt: number | null;
  failures: number;
  lastError: string | null;
};

const NONE: ArchiveRow = { status: "live", folder: null, parts: [], bytes: null, archivedAt: null, restoredAt: null, retryAt: null, failures: 0, lastError: null };

function toRow(r: ArchiveRowSql): ArchiveRow {
  return {
    status: StatusSchema.parse(r.status),
    folder: r.folder,
    // Parts that no longer parse are none: a restore then fails closed and says so.
    parts: r.parts_json === null ? [] : (readJson(PartsSchema, r.parts_json) ?? []),
    bytes: r.bytes,
    archivedAt: r.archived_at,
    restoredAt: r.restored_at,
    retryAt: r.retry_at,
    failures: r.failures,
    lastError: r.last_error,
  };
}

export function createArchiveRepo(sql: Sql) {
  /** The row; a user never archived reads as `live` with nothing else. */
  const get = memo(sql, (): ArchiveRow => {
    const row = sql<ArchiveRowSql>`SELECT * FROM archive WHERE id = 1`[0];
    return row ? toRow(row) : NONE;
  });
  return {
    get,
    /** Sets the given fields on the row as it is now, in one statement (the row made on the first write). */
    patch(change: Partial<ArchiveRow>, now: number): ArchiveRow {
      const r = { ...get(), ...change };
      sql`INSERT INTO archive (id, status, folder, parts_json, bytes, archived_at, restored_at, retry_at, failures, last_error, updated_at)
        VALUES (1, ${r.status}, ${r.folder}, ${JSON.stringify(r.parts)}, ${r.bytes}, ${r.archivedAt}, ${r.restoredAt}, ${r.retryAt}, ${r.failures}, ${r.lastError}, ${now})
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, folder = excluded.folder, parts_json = excluded.parts_json, bytes = excluded.bytes,
          archived_at = excluded.archived_at, restored_at = excluded.restored_at, retry_at = excluded.retry_at, failures = excluded.failures,
          last_error = excluded.last_error, updated_at = excluded.updated_at`;
      return r;
    },
  };
}
export type ArchiveRepo = ReturnType<typeof createArchiveRepo>;
