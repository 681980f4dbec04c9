// What one message costs a phone's object in SQL, with a month of answered history beside it:
// statements run, rows read and rows written (workerd's own figures), for the webhook alone, up
// to the run's start leaving for the VM, and for the whole message, whose rows written are also
// held per table. Held to the figures recorded in message-cost-figures.ts.
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { PhoneAgent } from "../../src/phone-agent";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { createSql } from "../../src/shared/sql";
import { eventually, rewriteStorage, sendInbound, stubFor } from "./helpers";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { MESSAGE_COST, MESSAGE_ROWS_BY_TABLE } from "./message-cost-figures";
import { countSql, countsSince, type SqlCounts, seedHistory } from "./sql-counts";

const PHONE = "+15550000204";
/** A known sender's webhook reads the few rows it needs, whatever the history. */
const MAX_WEBHOOK_READS = 20;
/** How far a figure may grow over the recorded one before the test asks for a new record. */
const GROWTH = 1.1;

it("a message costs the object no more SQL than recorded, its webhook at most 20 rows read", async () => {
  // The daily prune (agent/retention.ts) reads the history by design, once a day after a run:
  // marked done, so what is counted is the message's own path.
  await rewriteStorage(PHONE, (storage) => {
    seedHistory(storage, false);
    createSettingsRepo(createSql(storage)).set("pruned_at", Date.now());
  });
  // Counted on the object as loaded (its migrations checked, nothing of it read yet).
  const counter = await runInDurableObject(stubFor(PHONE), (_agent, state) => countSql(state.storage));
  let webhook: SqlCounts | null = null;
  /** The counts as each run's start left for the VM (the first: what a user waits on before the agent has the message). */
  const starts: SqlCounts[] = [];
  // The webhook's share: storing the message and planning the alarm, up to where the object starts
  // the pump that claims its run. That pump starts in the same turn (so the dispatch leaves with
  // the answer, alarm-pump.ts workOn) and its work is the message's, counted in the whole below.
  const enqueue = await runInDurableObject(stubFor(PHONE), (agent: PhoneAgent) => {
    const proto = Object.getPrototypeOf(agent) as { enqueue: PhoneAgent["enqueue"] };
    // The object's pump (alarm-pump.ts), a private field: its class is patched as the object's is.
    const pumpProto = Object.getPrototypeOf((agent as unknown as { pump: object }).pump) as { pump: (...args: unknown[]) => Promise<void> };
    const [originalEnqueue, originalPump, originalFetch] = [proto.enqueue, pumpProto.pump, globalThis.fetch];
    let inWebhook = false;
    proto.enqueue = async function (this: PhoneAgent, ...args: Parameters<PhoneAgent["enqueue"]>) {
      inWebhook = true;
      try {
        const answer = await originalEnqueue.apply(this, args);
        webhook ??= counter.counts();
        return answer;
      } finally {
        inWebhook = false;
      }
    };
    pumpProto.pump = function (this: unknown, ...args: unknown[]) {
      if (inWebhook) webhook ??= counter.counts();
      return originalPump.apply(this, args);
    };
    // The VM client's fetch (machines/vm-client.ts), seen from inside the object.
    globalThis.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === VM_ROUTES.startRun && (init?.method ?? (input instanceof Request ? input.method : "GET")) === "POST") starts.push(counter.counts());
      return originalFetch(input, init);
    } as typeof fetch;
    return {
      restore: () => {
        proto.enqueue = originalEnqueue;
        pumpProto.pump = originalPump;
        globalThis.fetch = originalFetch;
      },
    };
  });
  try {
    // Polled uncounted, each look in a call of its own, so the object goes on between them.
    const answered = (sid: string) =>
      eventually(() =>
        runInDurableObject(stubFor(PHONE), () => {
          const [run] = counter.raw("SELECT r.phase, r.vm_run_id FROM messages m JOIN runs r ON r.id = m.run_id WHERE m.id = ? AND m.status = 'answered'", sid).toArray();
          if (run?.phase !== "finished") return false;
          // The reply sent (Twilio's answer stored), so the send's own writes are in the count whatever the look's timing.
          const replied = counter.raw("SELECT 1 FROM outbox WHERE dedupe_key LIKE ? AND status = 'sent'", `${String(run.vm_run_id)}:%`).toArray().length > 0;
          return replied && { counts: counter.counts(), byTable: counter.byTable() };
        }),
      );
    const { res, sid } = await sendInbound(PHONE, "and the tests too");
    expect(res.status).toBe(200);
    const { counts: message, byTable: messageByTable } = await answered(sid);
    expect(webhook, "the object answered the webhook").not.toBeNull();
    expect(starts, "the run's start reached the VM").toHaveLength(1);
    // A follow-up to the same object, still in memory: what its remembered reads leave on the way.
    // Counted from once the first reply has gone, so the reply's own send is not the follow-up's.
    const quiet = await eventually(() =>
      runInDurableObject(stubFor(PHONE), () => counter.raw("SELECT 1 FROM outbox WHERE status IN ('pending', 'sending')").toArray().length === 0 && counter.counts()),
    );
    const followUp = await sendInbound(PHONE, "and the lint");
    expect(followUp.res.status).toBe(200);
    await answered(followUp.sid);
    expect(starts, "the follow-up's start reached the VM").toHaveLength(2);
    const measured = { webhook: webhook!, toVm: starts[0]!, followUpToVm: countsSince(quiet, starts[1]!), message };
    console.log(`message cost: ${JSON.stringify(measured)}; the whole message's rows written by table: ${JSON.stringify(messageByTable)}`);
    expect(measured.webhook.rowsRead, "rows read by the webhook").toBeLessThanOrEqual(MAX_WEBHOOK_READS);
    for (const part of ["webhook", "toVm", "followUpToVm", "message"] as const) {
      for (const figure of ["statements", "rowsRead", "rowsWritten"] as const) {
        expect(measured[part][figure], `${part} ${figure} (recorded: ${MESSAGE_COST[part][figure]})`).toBeLessThanOrEqual(Math.floor(MESSAGE_COST[part][figure] * GROWTH));
      }
    }
    // Where the whole message's rows went: no table writes more than recorded, none that wrote none starts to.
    for (const [table, rows] of Object.entries(messageByTable)) {
      expect(rows, `rows written to ${table} (recorded: ${MESSAGE_ROWS_BY_TABLE[table] ?? 0})`).toBeLessThanOrEqual(MESSAGE_ROWS_BY_TABLE[table] ?? 0);
    }
  } finally {
    enqueue.restore();
    await runInDurableObject(stubFor(PHONE), () => counter.restore());
  }
});
