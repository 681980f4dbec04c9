import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createOutboxRepo } from "../../src/outbox/outbox-repo";
import { createSchedulesRepo } from "../../src/schedules/schedules-repo";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { createSql } from "../../src/shared/sql";
import { listSchedules } from "../../src/schedules/schedule-service";
import { ask, bodies, eventually, postSigned, query, rewriteStorage, sentTo, stubFor } from "./helpers";
import { TEST_ACCOUNT_SID } from "./test-env";

const heldCount = async (phone: string) => (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM outbox WHERE held = 1"))[0]!.n;

it("holds a task's result outside the 24-hour window (no template configured) and delivers it when the user writes", async () => {
  const phone = "+15550000135";
  await ask(phone, "/schedule every 1h weekly summary");
  // The user last wrote 25 hours ago.
  await rewriteStorage(phone, (storage) => {
    storage.sql.exec("UPDATE messages SET received_at = ? WHERE kind = 'user'", Date.now() - 25 * 3600_000);
  });
  const before = (await sentTo(phone)).length;
  await runDurableObjectAlarm(stubFor(phone));
  await eventually(async () => (await heldCount(phone)) === 1);
  expect((await sentTo(phone)).length).toBe(before);
  const [task] = await query<{ status: string }>(phone, "SELECT status FROM task_runs");
  expect(task!.status).toBe("succeeded");

  // The user writes: the held result goes first, then the answer to what they wrote.
  const reply = await ask(phone, "/schedules");
  expect(reply).toBe("⏰ Task #1\n\necho: weekly summary");
  await eventually(async () => (await sentTo(phone)).length === before + 2);
  expect(bodies(await sentTo(phone)).at(-1)).toMatch(/^Your tasks \(UTC\):/);
  expect(await heldCount(phone)).toBe(0);
});

it("says in /schedules that results are waiting", async () => {
  const phone = "+15550000136";
  await ask(phone, "hello");
  await rewriteStorage(phone, (storage) => {
    storage.sql.exec(
      "INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, held, created_at, updated_at) VALUES ('x', 'a result', 'pending', 0, 1, 0, 0)",
    );
  });
  // Read without opening the window: the same service over the object's own tables.
  const text = await runInDurableObject(stubFor(phone), (_agent, state) => {
    const sql = createSql(state.storage);
    const outbox = createOutboxRepo(sql);
    return listSchedules({ schedules: createSchedulesRepo(sql), settings: createSettingsRepo(sql), countHeld: outbox.countHeld, conversationName: () => "main", repoTrusted: () => false }).text;
  });
  expect(text).toContain("📬 1 message waiting");
});

it("holds a copy when Twilio reports 63016 for a message it accepted", async () => {
  const phone = "+15550000137";
  await ask(phone, "ping");
  const [sent] = await sentTo(phone);
  const res = await postSigned("/twilio/status", {
    MessageSid: sent!.sid,
    MessageStatus: "failed",
    ErrorCode: "63016",
    To: `whatsapp:${phone}`,
    AccountSid: TEST_ACCOUNT_SID,
  });
  expect(res.status).toBe(204);
  const rows = await query<{ body: string; held: number; status: string }>(phone, "SELECT body, held, status FROM outbox ORDER BY id");
  expect(rows).toEqual([
    { body: "echo: ping", held: 0, status: "failed" },
    { body: "echo: ping", held: 1, status: "pending" },
  ]);
});
