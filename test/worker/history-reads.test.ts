// A user's 30 days of history stay off the path from a message to the model: storing a message,
// planning the alarm, starting a run and applying its events read rows in proportion to what is
// pending, not to the answered messages, finished runs and sent replies kept beside them.
// Counted with workerd's own rows-read figure (what Cloudflare bills), on real Durable Object SQLite.
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { PhoneAgent } from "../../src/objects/phone-agent";
import { createMessagesRepo } from "../../src/objects/db/messages-repo";
import { createSettingsRepo } from "../../src/objects/db/settings-repo";
import { createSql } from "../../src/objects/db/sql";
import { eventually, newSid, rewriteStorage, stubFor } from "./helpers";

/** About a month of an active user: answered messages, kept 30 days (services/retention.ts). */
const HISTORY = 2_000;
/** A query of what is pending reads those rows (five here) and little else. */
const MAX_QUERY_READS = 20;
/**
 * What a whole message may read beyond the same message without history: a tenth of one read of
 * the history (the runs' timing moves the count by a few dozen rows either way).
 */
const MAX_EXTRA_READS = HISTORY / 10;

/**
 * Sums the rows every statement run through `storage.sql` read, while it is installed; `raw` runs
 * a statement uncounted (the test's own polling).
 */
function countReads(storage: DurableObjectStorage) {
  const sqlStorage = storage.sql;
  const exec = sqlStorage.exec.bind(sqlStorage);
  let total = 0;
  sqlStorage.exec = ((query: string, ...bindings: SqlStorageValue[]) => {
    const cursor = exec(query, ...bindings);
    const rows = cursor.toArray();
    total += cursor.rowsRead;
    // What the helper reads of a cursor (sql.ts): its rows, then the rows it wrote.
    const { rowsWritten } = cursor;
    return { toArray: () => rows, rowsWritten } as unknown as typeof cursor;
  }) as typeof sqlStorage.exec;
  return { total: () => total, raw: exec, restore: () => void (sqlStorage.exec = exec) };
}

/**
 * `HISTORY` answered messages, each with its finished run and its delivered reply (the tables kept
 * 30 days that a message goes through); with `pending`, two handed to run `r-live` and three queued.
 */
function seed(storage: DurableObjectStorage, pending: boolean): void {
  const sql = storage.sql;
  const old = Date.now() - 86_400_000;
  for (let i = 0; i < HISTORY; i++) {
    sql.exec("INSERT INTO messages (id, body, received_at, status, run_id, updated_at) VALUES (?, ?, ?, 'answered', ?, ?)", `SMold${i}`, `an old message ${i}`, old + i, `r-old${i}`, old + i);
    sql.exec("INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, results, outcome, created_at, updated_at) VALUES (?, ?, 'finished', ?, 1, 'answered', ?, ?)", `r-old${i}`, `v-old${i}`, old + i, old + i, old + i);
    sql.exec("INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, created_at, updated_at, conversation_id) VALUES (?, ?, 'delivered', ?, ?, ?, 1)", `reply:v-old${i}:1:0`, `an old answer ${i}`, old + i, old + i, old + i);
  }
  if (!pending) return;
  for (let i = 0; i < 2; i++) sql.exec("INSERT INTO messages (id, body, received_at, status, run_id, handed_how, updated_at) VALUES (?, 'handed', ?, 'handed', 'r-live', 'batch', ?)", `SMlive${i}`, old, old);
  for (let i = 0; i < 3; i++) sql.exec("INSERT INTO messages (id, body, received_at, status, updated_at) VALUES (?, 'queued', ?, 'queued', ?)", `SMnew${i}`, old, old);
}

it("a run's queries read the pending messages, not the history kept beside them", async () => {
  await runInDurableObject(stubFor("+15550000201"), (_agent, state) => {
    seed(state.storage, true);
    const reads = countReads(state.storage);
    try {
      const messages = createMessagesRepo(createSql(state.storage));
      const readsOf = (what: string, call: () => unknown) => {
        const before = reads.total();
        const value = call();
        return { what, value, reads: reads.total() - before };
      };
      const measured = [
        readsOf("queued", () => messages.queued(10).map((m) => m.id)),
        readsOf("countQueued", () => messages.countQueued()),
        readsOf("ofRun", () => messages.ofRun("r-live", "handed").map((m) => m.id)),
        readsOf("withUnsettledMedia", () => messages.withUnsettledMedia().length),
        readsOf("queuedByConversation", () => [...messages.queuedByConversation()]),
        readsOf("pending", () => messages.pending().length),
      ];
      // The answers are the pending rows', whatever the history.
      expect(measured.map(({ what, value }) => [what, value])).toEqual([
        ["queued", ["SMnew0", "SMnew1", "SMnew2"]],
        ["countQueued", 3],
        ["ofRun", ["SMlive0", "SMlive1"]],
        ["withUnsettledMedia", 0],
        ["queuedByConversation", [[1, 3]]],
        ["pending", 5],
      ]);
      for (const { what, reads: n } of measured) expect(n, `rows read by ${what}`).toBeLessThanOrEqual(MAX_QUERY_READS);
    } finally {
      reads.restore();
    }
  });
});

it("a message from its webhook to its run's end reads no more rows with a month of history than without", async () => {
  const readsOfMessage = async (phone: string, history: boolean): Promise<number> => {
    // Written before the object reads its settings (rewriteStorage evicts it). The daily prune
    // (services/retention.ts) reads the history by design, once a day after a run: it is marked
    // done for both phones, so what is counted is the message's own path.
    await rewriteStorage(phone, (storage) => {
      if (history) seed(storage, false);
      createSettingsRepo(createSql(storage)).set("pruned_at", Date.now());
    });
    return runInDurableObject(stubFor(phone), async (agent: PhoneAgent, state) => {
      const reads = countReads(state.storage);
      try {
        const messageId = newSid();
        // Stored, the alarm planned, a run started on the VM stand-in, its answer applied and queued, the run ended.
        await agent.enqueue({ messageId, body: "and the tests too", media: [], receivedAt: Date.now(), publicOrigin: "https://relay.example" });
        await eventually(async () => {
          const [message] = reads.raw("SELECT status, run_id FROM messages WHERE id = ?", messageId).toArray();
          return message?.status === "answered" && reads.raw("SELECT 1 FROM runs WHERE id = ? AND phase = 'finished'", message.run_id).toArray().length === 1;
        });
        return reads.total();
      } finally {
        reads.restore();
      }
    });
  };
  const without = await readsOfMessage("+15550000202", false);
  const withHistory = await readsOfMessage("+15550000203", true);
  expect(withHistory - without, `rows read: ${without} without history, ${withHistory} with ${HISTORY} answered messages`).toBeLessThanOrEqual(MAX_EXTRA_READS);
});
