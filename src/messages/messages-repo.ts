// The inbound message queue: one row per WhatsApp message (or scheduled prompt), in FIFO order.
// Every status change is a move decided by messages/message-lifecycle.ts and written by `move`;
// only the messages service (messages/messages.ts) calls it.
// Answered messages stay 30 days (agent/retention.ts): a read of what is still to do names the
// open queue's index condition, `in_queue = 1`, so SQLite reads that index (messages_in_queue)
// instead of every row kept. SQLite uses a partial index only for a WHERE that contains its
// condition as written; `status = 'queued'` alone reads the whole history. `in_queue` (1 while
// queued or handed, NULL at an end: 0043) is what the index reads, not `status`, so a hand, which
// names `status` alone, writes no index entry; only a move to an end names it.
import * as z from "zod/mini";
import { type MessageKind, type MessageMove, type MessageStatus, type PendingMessage, REVIEW_MESSAGE_PREFIX } from "./message-lifecycle";
import type { ChannelName } from "../channels/channel";
import { CHANNEL_NAMES } from "../channels";
import { keptUntilChanged, memo, memoBy, type Sql } from "../shared/sql";

/** What a remembered read of messages depends on (see withUnsettledMedia). */
const MESSAGES_TABLE = new Set(["messages"]);

/** Built once: a schema per row costs CPU on the webhook path. */
const PendingStatusSchema = z.enum(["queued", "handed"]);

export type { MessageKind, MessageStatus } from "./message-lifecycle";
const MessageStatusSchema = z.enum(["queued", "handed", "answered", "dropped", "failed"]);
const MessageKindSchema = z.enum(["user", "task_chat", "task_fresh"]);
/**
 * An attachment as its channel announced it (`url`, `contentType`: the form's, not trusted), then as
 * the relay settled it: stored (`stored`: the R2 object, what its bytes are) or not (`failed`: why,
 * in words for the user). A voice note also gets its `transcript`.
 */
export type Media = {
  url: string;
  contentType: string;
  stored?: { key: string; contentType: string; kind: "image" | "audio" | "video" | "document"; ext: string; size: number; createdAt: number };
  failed?: string;
  transcript?: { text: string; durationSec: number | null };
};

const MediaListSchema = z.array(
  z.object({
    url: z.string(),
    contentType: z.string(),
    stored: z.optional(z.object({ key: z.string(), contentType: z.string(), kind: z.enum(["image", "audio", "video", "document"]), ext: z.string(), size: z.number(), createdAt: z.number() })),
    failed: z.optional(z.string()),
    transcript: z.optional(z.object({ text: z.string(), durationSec: z.nullable(z.number()) })),
  }),
);

/** Whether every attachment of a message has been fetched or has failed: only then can it run. */
export function mediaSettled(m: { media: readonly Media[] }): boolean {
  return m.media.every((a) => a.stored !== undefined || a.failed !== undefined);
}

type MessageRow = {
  seq: number;
  id: string;
  body: string;
  received_at: number;
  status: string;
  run_id: string | null;
  attempts: number;
  updated_at: number;
  media_json: string;
  kind: string;
  schedule_id: number | null;
  conversation_id: number;
  slash: number;
  cuts: number;
  handed_how: string | null;
  channel: string;
  chat: string | null;
  origin: string | null;
};

export type QueuedMessage = {
  seq: number;
  id: string;
  body: string;
  receivedAt: number;
  status: MessageStatus;
  runId: string | null;
  media: Media[];
  kind: MessageKind;
  /** The schedule a task message was claimed from; null for the user's own messages. */
  scheduleId: number | null;
  conversationId: number;
  /** A Claude Code slash command: it starts a run of its own. */
  slash: boolean;
  /** Runs cut off after handing it to the CLI (the next one is told it was interrupted). */
  cuts: number;
  /** The chat it was written in: a reply goes back there. */
  source: MessageSource;
  /** What started it when the user did not write it (a GitHub event, a trigger); null: the user. */
  origin: string | null;
};

/** The chat app and chat a message came from; `chat` null: the object's own phone on WhatsApp. */
export type MessageSource = { channel: ChannelName; chat: string | null };
const ChannelNameSchema = z.enum(CHANNEL_NAMES);

function toMessage(row: MessageRow): QueuedMessage {
  return {
    seq: row.seq,
    id: row.id,
    body: row.body,
    receivedAt: row.received_at,
    status: MessageStatusSchema.parse(row.status),
    runId: row.run_id,
    media: MediaListSchema.parse(JSON.parse(row.media_json)),
    kind: MessageKindSchema.parse(row.kind),
    scheduleId: row.schedule_id,
    conversationId: row.conversation_id,
    slash: row.slash === 1,
    cuts: row.cuts,
    source: { channel: ChannelNameSchema.parse(row.channel), chat: row.chat },
    origin: row.origin,
  };
}

const HowSchema = z.nullable(z.enum(["batch", "inject"]));

function toPending(row: MessageRow): PendingMessage {
  return {
    id: row.id,
    status: PendingStatusSchema.parse(row.status),
    runId: row.run_id,
    how: HowSchema.parse(row.handed_how),
    cuts: row.cuts,
    kind: MessageKindSchema.parse(row.kind),
    conversationId: row.conversation_id,
    body: row.body,
    scheduleId: row.schedule_id,
  };
}

/** A message not yet at its end, as the open queue holds it: the row read once, in both shapes its readers take. */
type OpenMessage = { message: QueuedMessage; pending: PendingMessage };
type OpenQueue = { all: OpenMessage[]; queued: QueuedMessage[] };

/**
 * The open queue after `moves`, as `move` writes them in order: each applies to a message still
 * open (a move to an end takes it out) and leaves its place, its `seq`, as it was.
 */
function openAfter(queue: OpenQueue, moves: readonly MessageMove[]): OpenQueue {
  const byId = new Map<string, OpenMessage | null>(queue.all.map((m) => [m.message.id, m]));
  for (const move of moves) {
    const current = byId.get(move.id);
    if (!current) continue;
    const to = move.to;
    byId.set(
      move.id,
      to === "queued" || to === "handed"
        ? {
            message: { ...current.message, status: to, runId: move.runId, cuts: move.cuts },
            pending: { ...current.pending, status: to, runId: move.runId, how: move.how, cuts: move.cuts },
          }
        : null,
    );
  }
  const all = queue.all.flatMap((m) => byId.get(m.message.id) ?? []);
  return { all, queued: all.filter((m) => m.pending.status === "queued").map((m) => m.message) };
}

export function createMessagesRepo(sql: Sql) {
  /**
   * Every message not yet at its end (queued, or handed to a run), in arrival order: the one read
   * behind the queue's count and head, the lifecycle's pending list, a run's messages and the
   * attachments still to fetch. A warm follow-up's way to the VM asked these as four statements
   * (docs/notes/message-cost.md). Remembered until the messages change. The lifecycle's list read
   * all of these rows on every step before; what a user sent while runs were busy is seldom many.
   */
  const open = memo(sql, (): OpenQueue => {
    const all = sql<MessageRow>`SELECT * FROM messages WHERE in_queue = 1 AND status IN ('queued', 'handed') ORDER BY seq`.map((row) => ({ message: toMessage(row), pending: toPending(row) }));
    return { all, queued: all.filter((m) => m.pending.status === "queued").map((m) => m.message) };
  });
  /**
   * Queued messages whose attachments are not all fetched yet, oldest first. Changed only by a
   * message stored with some, its attachments settled, a status move; a message stored without any
   * (nearly every one) leaves it as it was, and the alarm's plan asks for it on every message.
   */
  const unsettledMedia = keptUntilChanged(sql, MESSAGES_TABLE, () => open().queued.filter((m) => m.media.length > 0 && !mediaSettled(m)));
  return {
    withUnsettledMedia: (): QueuedMessage[] => unsettledMedia(),
    setMedia(id: string, media: readonly Media[], now: number): void {
      unsettledMedia.changed();
      sql`UPDATE messages SET media_json = ${JSON.stringify(media)}, updated_at = ${now} WHERE id = ${id}`;
    },
    /** Stores a message once; false when this id was stored before (a channel's redelivery). */
    /** `receivedAt`: when the Worker took the webhook (the window counts from it); default `now`. */
    insert(m: {
      id: string;
      body: string;
      media: Media[];
      conversationId: number;
      kind?: MessageKind;
      slash?: boolean;
      scheduleId?: number;
      receivedAt?: number;
      source?: MessageSource;
      origin?: string | null;
      /** An event's message: how its run's replies name it, and the repository whose trust it needs (runs/event-runs.ts). */
      event?: { label: string; repo: string | null };
      now: number;
    }): boolean {
      if (m.media.length > 0) unsettledMedia.changed();
      const rows = sql`INSERT INTO messages (id, body, received_at, status, updated_at, media_json, kind, schedule_id, conversation_id, slash, channel, chat, origin, event_label, event_repo)
        VALUES (${m.id}, ${m.body}, ${m.receivedAt ?? m.now}, 'queued', ${m.now}, ${JSON.stringify(m.media)}, ${m.kind ?? "user"}, ${m.scheduleId ?? null},
          ${m.conversationId}, ${m.slash ? 1 : 0}, ${m.source?.channel ?? "whatsapp"}, ${m.source?.chat ?? null}, ${m.origin ?? null}, ${m.event?.label ?? null}, ${m.event?.repo ?? null})
        ON CONFLICT (id) DO NOTHING RETURNING seq`;
      return rows.length === 1;
    },
    get(id: string): QueuedMessage | null {
      const row = sql<MessageRow>`SELECT * FROM messages WHERE id = ${id}`[0];
      return row ? toMessage(row) : null;
    },
    /**
     * The oldest queued messages, in arrival order: the runs' due time and the batch's start read
     * it up to four times on a message's way to the VM. The rows are shared between callers, who
     * only read them.
     */
    queued(limit: number): QueuedMessage[] {
      return open().queued.slice(0, limit);
    },
    /** A run's messages still in `status` (a pending one: see the header). */
    ofRun(runId: string, status: z.infer<typeof PendingStatusSchema>): QueuedMessage[] {
      return open()
        .all.filter((m) => m.pending.runId === runId && m.pending.status === status)
        .map((m) => m.message);
    },
    /**
     * The events a run carries (its messages an event stored), oldest first: how its replies are
     * named and which approval mode it may have (core/event-guard.ts).
     */
    eventsOfRun(runId: string): { label: string; repo: string | null }[] {
      return sql<{ event_label: string; event_repo: string | null }>`SELECT event_label, event_repo FROM messages
        WHERE run_id = ${runId} AND event_label IS NOT NULL ORDER BY seq`.map((r) => ({ label: r.event_label, repo: r.event_repo }));
    },
    /** What started each of these runs when an event did: the first of its messages with an origin. */
    originsOfRuns(runIds: readonly string[]): Map<string, string> {
      const out = new Map<string, string>();
      if (runIds.length === 0) return out;
      const rows = sql<{ run_id: string; origin: string }>`SELECT run_id, origin FROM messages
        WHERE origin IS NOT NULL AND run_id IN (SELECT value FROM json_each(${JSON.stringify([...new Set(runIds)])})) ORDER BY seq`;
      for (const row of rows) if (!out.has(row.run_id)) out.set(row.run_id, row.origin);
      return out;
    },
    /** Every message a run carried, answered or not. */
    allOfRun(runId: string): QueuedMessage[] {
      return sql<MessageRow>`SELECT * FROM messages WHERE run_id = ${runId} ORDER BY seq`.map(toMessage);
    },
    /**
     * How many of the user's messages arrived since `since`, counting at most `limit`: only the
     * newest `limit` rows are read (by seq, backwards), however long the history.
     */
    countUserSince(since: number, limit: number): number {
      return sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT received_at FROM messages WHERE kind = 'user' ORDER BY seq DESC LIMIT ${limit})
        WHERE received_at > ${since}`[0]?.n ?? 0;
    },
    /** Every message not yet at its end, in arrival order: what the lifecycle steps over. */
    pending(): PendingMessage[] {
      return open().all.map((m) => m.pending);
    },
    /**
     * Writes the lifecycle's moves. Each applies only to a row still pending, so a replayed move
     * changes nothing; a hand counts an attempt. A carried message keeps its `seq`: it stays
     * ahead of newer ones.
     */
    move(moves: readonly MessageMove[], now: number): void {
      if (moves.length === 0) return;
      unsettledMedia.changed();
      // The open queue is read again right after a claim (the run's messages): it is moved as the
      // rows are, so that read runs no statement.
      open.writing(() => {
        for (const m of moves) {
          // Only a move to an end names `in_queue` (the message leaves the index): a hand or a
          // return to the queue leaves the index entry as it was, the row alone written.
          if (m.to === "queued" || m.to === "handed")
            sql`UPDATE messages SET status = ${m.to}, run_id = ${m.runId}, handed_how = ${m.how}, cuts = ${m.cuts},
                attempts = attempts + ${m.to === "handed" ? 1 : 0}, updated_at = ${now}
              WHERE id = ${m.id} AND status IN ('queued', 'handed')`;
          else
            sql`UPDATE messages SET status = ${m.to}, in_queue = NULL, run_id = ${m.runId}, handed_how = ${m.how}, cuts = ${m.cuts}, updated_at = ${now}
              WHERE id = ${m.id} AND status IN ('queued', 'handed')`;
        }
      }, (queue) => openAfter(queue, moves));
    },
    countQueued: (): number => open().queued.length,
    /** When the user last wrote to each conversation (ids with any message kept). */
    lastWrittenByConversation(): Map<number, number> {
      const rows = sql<{ conversation_id: number; at: number }>`SELECT conversation_id, max(received_at) AS at FROM messages WHERE kind = 'user' GROUP BY conversation_id`;
      return new Map(rows.map((r) => [r.conversation_id, r.at]));
    },
    /** Queued messages per conversation id (only those with some). */
    queuedByConversation(): Map<number, number> {
      const counts = new Map<number, number>();
      for (const m of open().queued) counts.set(m.conversationId, (counts.get(m.conversationId) ?? 0) + 1);
      return counts;
    },
    /** What the user sent to the agent in a conversation, newest first, leaving out one run's own and what events sent (someone else's text). */
    sentToAgent(conversationId: number, exceptRunId: string, limit: number): { text: string; at: number }[] {
      return sql<{ body: string; received_at: number }>`SELECT body, received_at FROM messages
        WHERE conversation_id = ${conversationId} AND kind = 'user' AND origin IS NULL AND run_id IS NOT NULL AND run_id != ${exceptRunId}
        ORDER BY seq DESC LIMIT ${limit}`.map((r) => ({ text: r.body, at: r.received_at }));
    },
    /**
     * The user's last message (a command too): when WhatsApp's 24-hour window opened, and what
     * the typing indicator marks read. Tasks are not the user writing. Read backwards by seq.
     */
    /** When the latest message of any kind (the user's, a task's, an event's) came: the last row by seq, so one row read. */
    lastReceivedAt: memo(sql, (): number | null => sql<{ received_at: number }>`SELECT received_at FROM messages ORDER BY seq DESC LIMIT 1`[0]?.received_at ?? null),
    lastInbound: memo(sql, (): { id: string; receivedAt: number; source: MessageSource } | null => {
      const row = sql<{ id: string; received_at: number; channel: string; chat: string | null }>`SELECT id, received_at, channel, chat FROM messages WHERE kind = 'user' AND origin IS NULL ORDER BY seq DESC LIMIT 1`[0];
      return row ? { id: row.id, receivedAt: row.received_at, source: { channel: ChannelNameSchema.parse(row.channel), chat: row.chat } } : null;
    }),
    /**
     * When the user last wrote on `channel` (a command too, no task): WhatsApp's 24-hour window
     * counts from their last WhatsApp message, whatever they wrote on another channel since. A
     * review sent from the private page (its id `review-…`: REVIEW_MESSAGE_PREFIX) was not written
     * on the channel, so it opens no window: its line and the run's reply go as any result
     * outside it (the template, then held for the user's next message).
     */
    lastInboundAtOn: memoBy(sql, (channel: ChannelName): number | null => {
      return sql<{ received_at: number }>`SELECT received_at FROM messages WHERE kind = 'user' AND origin IS NULL AND channel = ${channel} AND id NOT LIKE ${`${REVIEW_MESSAGE_PREFIX}%`} ORDER BY seq DESC LIMIT 1`[0]?.received_at ?? null;
    }),
    /** Forgets finished messages older than `before`; their ids then stop deduplicating. */
    pruneFinished(before: number): void {
      sql`DELETE FROM messages WHERE status IN ('answered', 'dropped', 'failed') AND updated_at < ${before}`;
    },
  };
}
export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
