// The durable outbox: every message to the user, each to one chat of one channel, sent in order,
// with the delivery its channel reports.
import * as z from "zod/mini";
import { CHANNEL_NAMES } from "../channels";
import type { Button } from "../channels/channel";
import type { MessageSource } from "../messages/messages-repo";
import { keptUntilChanged, memo, memoBy, type Sql } from "../shared/sql";
import { readJson } from "../shared/json-text";

const OutboxStatusSchema = z.enum(["pending", "sending", "sent", "delivered", "read", "failed", "undelivered"]);
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>;

type OutboxRow = {
  id: number;
  dedupe_key: string;
  body: string;
  content_sid: string | null;
  content_variables: string | null;
  buttons: string | null;
  media: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  error_code: string | null;
  created_at: number;
  channel: string;
  chat: string | null;
  sent_ref: string | null;
  send_started_at: number | null;
};

/**
 * Where a message goes: a chat on a channel, as messages record where they came from (chat null:
 * the object's own phone on WhatsApp).
 */
export type OutboxTarget = MessageSource;
const ChannelSchema = z.enum(CHANNEL_NAMES);

/** A row's buttons (channels/' `Button`: its title, the payload a tap sends back, what the user may type instead), read back with zod. */
export const ButtonsSchema = z.array(z.object({ title: z.string(), id: z.string(), typed: z.optional(z.string()) }));

/** A file the agent sends: staged on the VM (`source`), then copied to R2 (`stored`) or not (`failed`). */
export type OutboxMedia = {
  source: { vmRunId: string; fileId: string; name: string; contentType: string; size: number };
  stored?: { key: string; createdAt: number; contentType: string };
  failed?: string;
  /** A picture whose detail matters (a /diff): a channel that recompresses photos sends it as a file. */
  keepSharp?: boolean;
  /**
   * A reply's voice note: the file is made by the speech model from `text`, not copied from the VM
   * (`source` then names no VM file: only its name and type are read). Spoken once, then `stored`.
   */
  speak?: { text: string; conversationId: number };
};
const OutboxMediaSchema = z.object({
  source: z.object({ vmRunId: z.string(), fileId: z.string(), name: z.string(), contentType: z.string(), size: z.number() }),
  stored: z.optional(z.object({ key: z.string(), createdAt: z.number(), contentType: z.string() })),
  failed: z.optional(z.string()),
  keepSharp: z.optional(z.boolean()),
  speak: z.optional(z.object({ text: z.string(), conversationId: z.number() })),
});

type OutboxItem = {
  id: number;
  dedupeKey: string;
  body: string;
  contentSid: string | null;
  contentVariables: string | null;
  /** Quick-reply buttons under `body` (an approval prompt); `body` alone says the same. */
  buttons: Button[] | null;
  media: OutboxMedia | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  errorCode: string | null;
  createdAt: number;
  to: OutboxTarget;
  /** The channel's id of the sent message (WhatsApp's SID, Telegram's message_id): what an edit or a delivery report finds it by. */
  sentRef: string | null;
  /**
   * When the first send not yet settled began (`send_started_at`): the channel may hold it, so the
   * next attempt looks there first. Null: no send of it is in flight.
   */
  inFlightSince: number | null;
};

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    dedupeKey: row.dedupe_key,
    body: row.body,
    contentSid: row.content_sid,
    contentVariables: row.content_variables,
    buttons: row.buttons === null ? null : ButtonsSchema.parse(JSON.parse(row.buttons)),
    media: row.media === null ? null : OutboxMediaSchema.parse(JSON.parse(row.media)),
    status: OutboxStatusSchema.parse(row.status),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    errorCode: row.error_code,
    createdAt: row.created_at,
    to: { channel: ChannelSchema.parse(row.channel), chat: row.chat },
    sentRef: row.sent_ref,
    inFlightSince: row.send_started_at,
  };
}

// Later statuses never go back to earlier ones: callbacks can arrive out of order.
const STATUS_RANK: Record<OutboxStatus, number> = {
  pending: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  undelivered: 5,
  failed: 5,
};

/** What the kept answer of anyHeld reads. */
const OUTBOX_TABLE = new Set(["outbox"]);

/**
 * The outbox's next due time (the head's next attempt, or a file's next copy) is read from its own
 * rows through two small partial indexes, remembered until the next write to the table, and not
 * kept in due_times: storing it there cost two rows written a reply (set when it is queued,
 * removed once it is sent), and the rows are the truth after any crash anyway.
 */
export function createOutboxRepo(sql: Sql) {
  /**
   * Whether anything waits for the user to write again: most messages find nothing held. Asked by
   * every inbound message; changed only by a message added or put on hold, the held released, rows
   * deleted. A send's status moves (every reply makes a few) leave it as it was.
   */
  const anyHeld = keptUntilChanged(sql, OUTBOX_TABLE, (): boolean => sql`SELECT 1 FROM outbox WHERE held = 1 LIMIT 1`.length > 0);
  const repo = {
    /**
     * Adds a message once per `dedupeKey`; a replayed event adds nothing. `notBefore` delays the
     * first send and `attempts` carries earlier sends of the same text (a resend's backoff).
     */
    add(m: {
      dedupeKey: string;
      body: string;
      contentSid?: string;
      contentVariables?: string;
      buttons?: Button[] | null;
      media?: OutboxMedia | null;
      held?: boolean;
      attempts?: number;
      notBefore?: number;
      /** Set on the agent's replies only: a conversation's transcript reads them. */
      conversationId?: number;
      /** The chat it goes to; unset: the object's own phone on WhatsApp. */
      to?: OutboxTarget;
      now: number;
    }): boolean {
      const buttons = m.buttons ? JSON.stringify(m.buttons) : null;
      const media = m.media ? JSON.stringify(m.media) : null;
      if (m.held) anyHeld.changed();
      const rows = sql`INSERT INTO outbox (dedupe_key, body, content_sid, content_variables, buttons, media, status, attempts, next_attempt_at, held, conversation_id, created_at, updated_at, channel, chat)
        VALUES (${m.dedupeKey}, ${m.body}, ${m.contentSid ?? null}, ${m.contentVariables ?? null}, ${buttons}, ${media}, 'pending', ${m.attempts ?? 0}, ${m.notBefore ?? m.now}, ${m.held ? 1 : 0},
          ${m.conversationId ?? null}, ${m.now}, ${m.now}, ${m.to?.channel ?? "whatsapp"}, ${m.to?.chat ?? null})
        ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
      return rows.length === 1;
    },
    /**
     * Adds a message, or rewrites its text while it is still waiting to be sent (the one
     * acknowledgement per run counts the messages that wait); once sent, nothing changes.
     */
    upsertPending(m: { dedupeKey: string; body: string; to?: OutboxTarget; now: number }): void {
      sql`INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, created_at, updated_at, channel, chat)
        VALUES (${m.dedupeKey}, ${m.body}, 'pending', ${m.now}, ${m.now}, ${m.now}, ${m.to?.channel ?? "whatsapp"}, ${m.to?.chat ?? null})
        ON CONFLICT (dedupe_key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
        WHERE outbox.status = 'pending' AND outbox.attempts = 0 AND outbox.send_started_at IS NULL AND outbox.body != excluded.body`;
    },
    /**
     * Whether upsertPending could still change this message: there is none yet, or it was never
     * tried. Remembered until the outbox changes (asked for every message that waits behind a run).
     */
    canRewrite: memoBy(sql, (dedupeKey: string): boolean => {
      const row = sql<{ status: string; attempts: number; send_started_at: number | null }>`SELECT status, attempts, send_started_at FROM outbox WHERE dedupe_key = ${dedupeKey}`[0];
      return !row || (row.status === "pending" && row.attempts === 0 && row.send_started_at === null);
    }),
    /** The first message not yet handed to its channel: later ones wait behind it to keep order. Asked on every step. */
    head: memo(sql, (): OutboxItem | null => {
      const row = sql<OutboxRow>`SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND held = 0 ORDER BY id LIMIT 1`[0];
      return row ? toItem(row) : null;
    }),
    /** Keeps a free-form message until the user writes again (outside WhatsApp's 24-hour window). */
    hold(id: number, now: number): void {
      anyHeld.changed();
      sql`UPDATE outbox SET held = 1, status = 'pending', send_started_at = NULL, updated_at = ${now} WHERE id = ${id}`;
    },
    anyHeld: (): boolean => anyHeld(),
    releaseHeld(now: number): number {
      const released = sql`UPDATE outbox SET held = 0, next_attempt_at = ${now}, updated_at = ${now} WHERE held = 1 RETURNING id`.length;
      if (released > 0) anyHeld.changed();
      return released;
    },
    /** The agent's replies in a conversation, newest first. */
    repliesIn(conversationId: number, limit: number): { text: string; at: number }[] {
      return sql<{ body: string; created_at: number }>`SELECT body, created_at FROM outbox WHERE conversation_id = ${conversationId}
        ORDER BY id DESC LIMIT ${limit}`.map((r) => ({ text: r.body, at: r.created_at }));
    },
    countHeld(): number {
      return sql<{ n: number }>`SELECT count(*) AS n FROM outbox WHERE held = 1`[0]?.n ?? 0;
    },
    /**
     * A send is about to leave: the one write before the call, so an instance that dies before the
     * channel's answer is stored leaves a row that says the channel may hold it. A row already in
     * flight keeps its first start (its lookup covers every unsettled attempt) and is not written.
     */
    markInFlight(id: number, now: number): void {
      // Only a column no index reads: the mark is one row written (a status change would move the
      // row's entry in the partial index outbox_due as well, a second).
      sql`UPDATE outbox SET send_started_at = ${now} WHERE id = ${id}`;
    },
    // Each send's outcome is one write that also counts the attempt and settles the flight. None
    // writes a row its status callback settled while the send awaited the answer (applyStatusOf):
    // the answer of a send the callback proves taken is sent or lost, never a refusal.
    /** Sent: `ref` is the channel's id of it, what an edit or a quoted reply finds it by (null: none given). */
    markSent(id: number, ref: string | null, now: number): void {
      sql`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_ref = ${ref}, error_code = NULL, send_started_at = NULL, updated_at = ${now} WHERE id = ${id} AND status IN ('pending', 'sending')`;
    },
    /** The channel's id of the message sent under `dedupeKey` (the first progress update, to edit it). */
    sentRefOf(dedupeKey: string): string | null {
      return sql<{ sent_ref: string | null }>`SELECT sent_ref FROM outbox WHERE dedupe_key = ${dedupeKey} AND status = 'sent'`[0]?.sent_ref ?? null;
    },
    /** The file stored in R2 for the message of `dedupeKey` (an approval's picture); null: none, or not stored (yet). */
    storedMediaOf(dedupeKey: string): NonNullable<OutboxMedia["stored"]> | null {
      const raw = sql<{ media: string | null }>`SELECT media FROM outbox WHERE dedupe_key = ${dedupeKey}`[0]?.media ?? null;
      return (raw === null ? null : readJson(OutboxMediaSchema, raw)?.stored) ?? null;
    },
    /**
     * The key of the message sent to `channel` as `ref` (a reply quoting it names it so); null: none
     * of ours. No index serves it (one would be written by every send): read newest first, it stops
     * at the match, and a quote is of a recent message; an unknown one reads the kept outbox.
     */
    keyOfSent(channel: OutboxTarget["channel"], ref: string): string | null {
      return sql<{ dedupe_key: string }>`SELECT dedupe_key FROM outbox WHERE sent_ref = ${ref} AND channel = ${channel} ORDER BY id DESC LIMIT 1`[0]?.dedupe_key ?? null;
    },
    /** Not before `at`, without counting an attempt (a chat's pace). */
    defer(id: number, at: number, now: number): void {
      sql`UPDATE outbox SET next_attempt_at = ${at}, updated_at = ${now} WHERE id = ${id}`;
    },
    /** Fails every message still waiting for `to` (a chat that refused the bot); returns how many. */
    failPendingTo(to: OutboxTarget, errorCode: string, now: number): number {
      return sql`UPDATE outbox SET status = 'failed', error_code = ${errorCode}, updated_at = ${now}
        WHERE status IN ('pending', 'sending') AND channel = ${to.channel} AND chat IS ${to.chat} RETURNING id`.length;
    },
    /**
     * Tried again at `at`. `inFlight`: the channel may have taken it (no answer came, or the lookup
     * could not tell), so the row stays in flight and the next attempt looks first; otherwise the
     * channel refused it and it is plainly pending.
     */
    markRetry(id: number, at: number, errorCode: string, now: number, inFlight = false): void {
      if (inFlight) {
        sql`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ${at}, error_code = ${errorCode}, updated_at = ${now} WHERE id = ${id} AND status IN ('pending', 'sending')`;
        return;
      }
      sql`UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ${at}, error_code = ${errorCode}, send_started_at = NULL, updated_at = ${now}
        WHERE id = ${id} AND status IN ('pending', 'sending')`;
    },
    markFailed(id: number, errorCode: string, now: number, counted = true): void {
      sql`UPDATE outbox SET status = 'failed', attempts = attempts + ${counted ? 1 : 0}, error_code = ${errorCode}, send_started_at = NULL, updated_at = ${now} WHERE id = ${id} AND status IN ('pending', 'sending')`;
    },
    /**
     * Applies a delivery report on the message it names by our id (the callback's URL) and the
     * channel's (`ref`); returns the updated item, or null when no row of that id was sent as `ref`.
     * A row still in flight (its send's answer not yet stored, or lost) is settled by it (`settled`):
     * the report proves the channel took this row's send, as `ref`. A row sent as another ref changes nothing.
     */
    applyStatusOf(id: number, ref: string, status: OutboxStatus, errorCode: string | null, now: number): { item: OutboxItem; settled: boolean } | null {
      const row = sql<OutboxRow>`SELECT * FROM outbox WHERE id = ${id}`[0];
      if (!row) return null;
      if (row.sent_ref === null && row.send_started_at !== null && STATUS_RANK[OutboxStatusSchema.parse(row.status)] < STATUS_RANK.sent) {
        // The send it proves is counted once: a lost answer's retry (markRetry in flight) counted it already.
        const settled = { ...row, status, attempts: Math.max(row.attempts, 1), sent_ref: ref, error_code: errorCode, send_started_at: null };
        sql`UPDATE outbox SET status = ${status}, attempts = max(attempts, 1), sent_ref = ${ref}, error_code = ${errorCode}, send_started_at = NULL, updated_at = ${now}
          WHERE id = ${id}`;
        return { item: toItem(settled), settled: true };
      }
      return row.sent_ref === ref ? { item: moveForward(row, status, errorCode, now), settled: false } : null;
    },
    /**
     * Applies a report that names no row (a message sent before its callback's URL named one): found
     * by `ref` without an index, newest first, stopping at it; null for an unknown one.
     */
    applyStatus(ref: string, status: OutboxStatus, errorCode: string | null, now: number): OutboxItem | null {
      const row = sql<OutboxRow>`SELECT * FROM outbox WHERE sent_ref = ${ref} ORDER BY id DESC LIMIT 1`[0];
      return row ? moveForward(row, status, errorCode, now) : null;
    },
    /** Files still to be copied from the VM (whatever their place in the queue: a held one too). */
    filesToCopy: memo(sql, (): OutboxItem[] =>
      // Each half reads one of the small partial indexes (due, held), never the whole table.
      sql<OutboxRow>`SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND held = 0 AND media IS NOT NULL
        UNION ALL SELECT * FROM outbox WHERE held = 1 AND media IS NOT NULL ORDER BY id`
        .map(toItem)
        .filter((i) => !i.media?.stored && !i.media?.failed),
    ),
    setMedia(id: number, media: OutboxMedia, now: number): void {
      sql`UPDATE outbox SET media = ${JSON.stringify(media)}, updated_at = ${now} WHERE id = ${id}`;
    },
    /**
     * Forgets the messages with a key in [from, to) not yet handed to a channel (a key range: the
     * unique index serves it); one in flight may have gone, and is settled by its lookup instead.
     */
    dropUnsent(range: { from: string; to: string }): number {
      const dropped = sql`DELETE FROM outbox WHERE dedupe_key >= ${range.from} AND dedupe_key < ${range.to} AND status = 'pending' AND send_started_at IS NULL RETURNING id`.length;
      if (dropped > 0) anyHeld.changed();
      return dropped;
    },
    /** How many messages have a key in [from, to). */
    countKeys(range: { from: string; to: string }): number {
      return sql<{ n: number }>`SELECT count(*) AS n FROM outbox WHERE dedupe_key >= ${range.from} AND dedupe_key < ${range.to}`[0]?.n ?? 0;
    },
    /** When the outbox next has work: read from its rows (remembered reads), see createOutboxRepo. */
    nextDueAt: (): number | null => nextAttemptAt(),
    pruneFinished(before: number): void {
      anyHeld.changed();
      sql`DELETE FROM outbox WHERE status NOT IN ('pending', 'sending') AND updated_at < ${before}`;
    },
  };
  /** A report's status on a sent row, only forward. */
  function moveForward(row: OutboxRow, status: OutboxStatus, errorCode: string | null, now: number): OutboxItem {
    if (STATUS_RANK[status] <= STATUS_RANK[OutboxStatusSchema.parse(row.status)]) return toItem(row);
    sql`UPDATE outbox SET status = ${status}, error_code = ${errorCode ?? row.error_code}, updated_at = ${now} WHERE id = ${row.id}`;
    return toItem({ ...row, status, error_code: errorCode ?? row.error_code });
  }
  // The head's next attempt, or an earlier copy of a file still to copy.
  const nextAttemptAt = (): number | null => {
    let at = repo.head()?.nextAttemptAt ?? null;
    for (const file of repo.filesToCopy()) if (at === null || file.nextAttemptAt < at) at = file.nextAttemptAt;
    return at;
  };
  return repo;
}
export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
