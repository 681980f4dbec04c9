// A user's 30 days of history stay off the path from a message to the model: storing a message,
// planning the alarm, starting a run and applying its events read rows in proportion to what is
// pending, not to the answered messages, finished runs and sent replies kept beside them.
// Counted with workerd's own rows-read figure (what Cloudflare bills), on real Durable Object SQLite.
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { PhoneAgent } from "../../src/phone-agent";
import { createMessagesRepo } from "../../src/messages/messages-repo";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { createSql } from "../../src/shared/sql";
import { eventually, newSid, rewriteStorage, stubFor } from "./helpers";
import { countSql, HISTORY, seedHistory } from "./sql-counts";

/** A query of what is pending reads those rows (five here) and little else. */
const MAX_QUERY_READS = 20;
/**
 * What a whole message may read beyond the same message without history: a tenth of one read of
 * the history (the runs' timing moves the count by a few dozen rows either way).
 */
const MAX_EXTRA_READS = HISTORY / 10;

it("a run's queries read the pending messages, not the history kept beside them", async () => {
  await runInDurableObject(stubFor("+15550000201"), (_agent, state) => {
    seedHistory(state.storage, true);
    const reads = countSql(state.storage);
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
    // (agent/retention.ts) reads the history by design, once a day after a run: it is marked
    // done for both phones, so what is counted is the message's own path.
    await rewriteStorage(phone, (storage) => {
      if (history) seedHistory(storage, false);
      createSettingsRepo(createSql(storage)).set("pruned_at", Date.now());
    });
    return runInDurableObject(stubFor(phone), async (agent: PhoneAgent, state) => {
      const reads = countSql(state.storage);
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
