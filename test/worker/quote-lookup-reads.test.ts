// What a quoted reply's lookup (outbox keyOfSent: which of our messages the user quoted) reads with
// no index on sent_ref, against a month of history (sql-counts.ts): newest first, it stops at its
// match, so a quote of a recent message reads a few rows; an unknown one reads the kept outbox.
// Figures recorded in docs/notes/message-cost.md ("a send without the sent_ref index").
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createOutboxRepo } from "../../src/outbox/outbox-repo";
import { createSql } from "../../src/shared/sql";
import { rewriteStorage, stubFor } from "./helpers";
import { countSql, countsSince, HISTORY, seedHistory } from "./sql-counts";

const PHONE = "+15550000239";

it("a quote of a recent message reads a few rows, an unknown one the kept outbox", async () => {
  await rewriteStorage(PHONE, (storage) => {
    seedHistory(storage, false);
    // Each old reply was sent, as a month of WhatsApp replies is: its SID kept.
    storage.sql.exec("UPDATE outbox SET sent_ref = 'SMold' || id");
  });
  const reads = await runInDurableObject(stubFor(PHONE), (_agent, state) => {
    const outbox = createOutboxRepo(createSql(state.storage));
    const counter = countSql(state.storage);
    const readOf = (ref: string) => {
      const before = counter.counts();
      const key = outbox.keyOfSent("whatsapp", ref);
      return { key, rowsRead: countsSince(before, counter.counts()).rowsRead };
    };
    try {
      return { newest: readOf(`SMold${HISTORY}`), tenthNewest: readOf(`SMold${HISTORY - 9}`), unknown: readOf("SMnotours") };
    } finally {
      counter.restore();
    }
  });
  console.log(`quote lookup rows read over ${HISTORY} kept replies: ${JSON.stringify(reads)}`);
  expect(reads.newest).toEqual({ key: `reply:v-old${HISTORY - 1}:1:0`, rowsRead: 1 });
  expect(reads.tenthNewest).toEqual({ key: `reply:v-old${HISTORY - 10}:1:0`, rowsRead: 10 });
  // No match: every kept row is read once (a month of replies), nothing more.
  expect(reads.unknown).toEqual({ key: null, rowsRead: HISTORY });
});
