// GitHub's deliveries to this user, stored once each (by delivery id and by the SHA-256 of the
// signed body) with what later events read of them, the conversations with /autofix on, and the
// repositories whose events the user trusts (/github trust).
import * as z from "zod/mini";
import type { Sql } from "../shared/sql";

type DeliveryRow = { delivery: string; event: string; repo: string; number: number | null; ref: string | null; detail: string | null; received_at: number };
export type StoredDelivery = { delivery: string; event: string; repo: string; number: number | null; ref: string | null; detail: unknown; receivedAt: number };

/**
 * How long deliveries are kept: GitHub redelivers within days; later events read the last few
 * weeks' at most. Their bodies' hashes go with them: the replay window is this long too.
 */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3600_000;

const toDelivery = (row: DeliveryRow): StoredDelivery => ({
  delivery: row.delivery,
  event: row.event,
  repo: row.repo,
  number: row.number,
  ref: row.ref,
  detail: row.detail === null ? null : JSON.parse(row.detail),
  receivedAt: row.received_at,
});

/** Reads a kept detail with `schema`; null when it is not that shape. */
export function detailOf<T>(schema: z.ZodMiniType<T>, d: StoredDelivery | null | undefined): T | null {
  const parsed = d ? schema.safeParse(d.detail) : null;
  return parsed?.success ? parsed.data : null;
}

export function createGithubEventsRepo(sql: Sql) {
  return {
    get(delivery: string): StoredDelivery | null {
      const row = sql<DeliveryRow>`SELECT * FROM github_deliveries WHERE delivery = ${delivery}`[0];
      return row ? toDelivery(row) : null;
    },
    /** Whether a delivery with this body (SHA-256, hex) was stored within the replay window, under any delivery id. */
    seenBody(bodyHash: string): boolean {
      return sql`SELECT delivery FROM github_deliveries WHERE body_hash = ${bodyHash} LIMIT 1`.length > 0;
    },
    /** Stores a delivery once; false when it was stored before (a redelivery). Older ones are let go. */
    add(d: { delivery: string; event: string; repo: string; number: number | null; ref: string | null; detail: unknown; bodyHash?: string; now: number }): boolean {
      const detail = d.detail === null || d.detail === undefined ? null : JSON.stringify(d.detail);
      const added = sql`INSERT INTO github_deliveries (delivery, event, repo, number, ref, detail, received_at, body_hash) VALUES (${d.delivery}, ${d.event}, ${d.repo}, ${d.number}, ${d.ref}, ${detail}, ${d.now}, ${d.bodyHash ?? null}) ON CONFLICT (delivery) DO NOTHING RETURNING delivery`.length > 0;
      if (added) sql`DELETE FROM github_deliveries WHERE received_at < ${d.now - DELIVERY_RETENTION_MS}`;
      return added;
    },
    /** Replaces what a delivery keeps (a notice's "Fix it" run, once told). */
    setDetail(delivery: string, detail: unknown): void {
      sql`UPDATE github_deliveries SET detail = ${JSON.stringify(detail)} WHERE delivery = ${delivery}`;
    },
    /** Deliveries of `event` in `repo` grouped under `ref`, oldest first. */
    byRef(repo: string, event: string, ref: string): StoredDelivery[] {
      return sql<DeliveryRow>`SELECT * FROM github_deliveries WHERE repo = ${repo} AND event = ${event} AND ref = ${ref} ORDER BY received_at, delivery`.map(toDelivery);
    },
    /** The last delivery of `event` about pull request or issue `number` of `repo`. */
    lastAbout(repo: string, event: string, number: number): StoredDelivery | null {
      const row = sql<DeliveryRow>`SELECT * FROM github_deliveries WHERE repo = ${repo} AND event = ${event} AND number = ${number} ORDER BY received_at DESC LIMIT 1`[0];
      return row ? toDelivery(row) : null;
    },
    autofixOn(conversationId: number): boolean {
      return sql`SELECT conversation_id FROM github_autofix WHERE conversation_id = ${conversationId}`.length > 0;
    },
    setAutofix(conversationId: number, on: boolean): void {
      if (on) sql`INSERT INTO github_autofix (conversation_id) VALUES (${conversationId}) ON CONFLICT DO NOTHING`;
      else sql`DELETE FROM github_autofix WHERE conversation_id = ${conversationId}`;
    },
    /** Whether runs of `repo`'s events keep the conversation's approval mode (`/github trust`). */
    trusted(repo: string): boolean {
      return sql`SELECT repo FROM github_trust WHERE repo = ${repo.toLowerCase()}`.length > 0;
    },
    /** Trusts `repo` or stops; false when nothing changed. */
    setTrust(repo: string, on: boolean, now: number): boolean {
      const key = repo.toLowerCase();
      if (on) return sql`INSERT INTO github_trust (repo, created_at) VALUES (${key}, ${now}) ON CONFLICT DO NOTHING RETURNING repo`.length > 0;
      return sql`DELETE FROM github_trust WHERE repo = ${key} RETURNING repo`.length > 0;
    },
    trustedRepos(): string[] {
      return sql<{ repo: string }>`SELECT repo FROM github_trust ORDER BY repo`.map((r) => r.repo);
    },
  };
}
export type GithubEventsRepo = ReturnType<typeof createGithubEventsRepo>;
