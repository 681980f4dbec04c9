// Media retention, done by the relay itself: a daily Cron Trigger (wrangler.toml `[triggers]`)
// lists the bucket's media and deletes what is older than MEDIA_RETENTION_DAYS. A bucket lifecycle
// rule may be added as a second net (README "Media"); nothing relies on it.
//
// Why a cron over the bucket, not a unit on each phone's alarm: the rows that name stored media
// are pruned after 30 days while retention may be up to 365, an upload whose row was never
// written (an instance that died between the two) is named by no row at all, and a unit would
// have to wake every idle object once a day. One listing of the bucket sees every object.
import type { Config } from "../config/config";
import type { Log } from "../shared/log";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The prefixes the relay writes (media-store.ts newObjectKey); anything else in the bucket is not ours. */
const MEDIA_PREFIXES = ["in/", "out/"] as const;
/** R2 deletes at most 1000 keys per call; a listing page holds at most 1000 too. */
const PAGE = 1000;
/**
 * Calls to R2 (a list or a delete) per sweep: well under a Worker invocation's subrequest limit.
 * A bucket larger than this many pages is finished by the next day's sweep; the log says so.
 */
const MAX_CALLS_PER_SWEEP = 400;

/** When a stored object was made: the relay's own `createdAt` metadata, else R2's upload time (as media-store's storedInfo reads it). */
export function createdAtOf(object: Pick<R2Object, "customMetadata" | "uploaded">): number {
  const createdAt = Number(object.customMetadata?.createdAt);
  return Number.isFinite(createdAt) && createdAt > 0 ? createdAt : object.uploaded.getTime();
}

/** Past retention: no link to it can be signed any more (signedMediaUrl), so it may go. */
export function isExpired(createdAt: number, now: number, retentionDays: number): boolean {
  return createdAt <= now - retentionDays * DAY_MS;
}

export type SweepResult = { listed: number; deleted: number; complete: boolean };

type SweepOptions = { retentionDays: number; now: number; pageSize?: number; maxCalls?: number };

/** Deletes every object under the media prefixes older than the retention; pages through the whole listing. */
export async function sweepExpiredMedia(bucket: R2Bucket, o: SweepOptions): Promise<SweepResult> {
  const pageSize = Math.min(o.pageSize ?? PAGE, PAGE);
  let calls = 0;
  let listed = 0;
  let deleted = 0;
  for (const prefix of MEDIA_PREFIXES) {
    let cursor: string | undefined;
    do {
      if (calls >= (o.maxCalls ?? MAX_CALLS_PER_SWEEP)) return { listed, deleted, complete: false };
      calls += 1;
      const page = await bucket.list({ prefix, limit: pageSize, include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
      listed += page.objects.length;
      const expired = page.objects.filter((object) => isExpired(createdAtOf(object), o.now, o.retentionDays)).map((object) => object.key);
      if (expired.length > 0) {
        calls += 1;
        await bucket.delete(expired);
        deleted += expired.length;
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }
  return { listed, deleted, complete: true };
}

/** The Cron Trigger's work: one sweep with the configured retention; a relay without a bucket has nothing to do. */
export async function runMediaRetention(bucket: R2Bucket | undefined, config: Config, now: number, log: Log): Promise<void> {
  if (!bucket) return;
  const startedAt = Date.now();
  const result = await sweepExpiredMedia(bucket, { retentionDays: config.media.retentionDays, now });
  log("media_swept", { ...result, retentionDays: config.media.retentionDays, durationMs: Date.now() - startedAt });
}
