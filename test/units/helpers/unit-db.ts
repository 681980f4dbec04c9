// A fresh migrated database per test with the repositories the units take, and a frozen clock:
// units floor `now` at Date.now(), so a test that passes `now` in sets the system time with it.
import { afterEach, beforeEach, vi } from "vitest";
import { createApprovalsRepo } from "../../../src/objects/db/approvals-repo";
import { createConversationsRepo } from "../../../src/objects/db/conversations-repo";
import { createMessagesRepo } from "../../../src/objects/db/messages-repo";
import { createOutboxRepo } from "../../../src/objects/db/outbox-repo";
import { createRunsRepo } from "../../../src/objects/db/runs-repo";
import { createSchedulesRepo } from "../../../src/objects/db/schedules-repo";
import { createSettingsRepo } from "../../../src/objects/db/settings-repo";
import { createSpendRepo } from "../../../src/objects/db/spend-repo";
import type { Sql } from "../../../src/objects/db/sql";
import { createVmAnswersRepo } from "../../../src/objects/db/vm-answers-repo";
import { migratedDb, type MigratedDb } from "./node-storage";

/** 2026-11-23 10:00 UTC: every test's "now" unless it moves the clock. */
export const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
export const HOUR = 3600_000;

export function reposOf(sql: Sql) {
  return {
    messages: createMessagesRepo(sql),
    runs: createRunsRepo(sql),
    outbox: createOutboxRepo(sql),
    settings: createSettingsRepo(sql),
    schedules: createSchedulesRepo(sql),
    vmAnswers: createVmAnswersRepo(sql),
    conversations: createConversationsRepo(sql),
    spend: createSpendRepo(sql),
    approvals: createApprovalsRepo(sql),
  };
}
export type Repos = ReturnType<typeof reposOf>;

export type UnitDb = { sql: Sql; repos: Repos; db: MigratedDb; rows<T>(query: string, ...bindings: (string | number | null)[]): T[] };

/** Registers a fresh database (and the frozen clock at T0) around each test of the file. */
export function useUnitDb(): UnitDb {
  const ctx = {} as UnitDb;
  beforeEach(async () => {
    // Cleared first: should the next line fail, afterEach must not close the last test's database again.
    ctx.db = undefined as unknown as MigratedDb;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    ctx.db = await migratedDb();
    ctx.sql = ctx.db.sql;
    ctx.repos = reposOf(ctx.sql);
    ctx.rows = <T>(query: string, ...bindings: (string | number | null)[]) => ctx.db.storage.sql.exec(query, ...bindings).toArray() as T[];
  });
  afterEach(() => {
    ctx.db?.close();
    vi.useRealTimers();
  });
  return ctx;
}

/** Moves the frozen clock; returns the new now. */
export function setNow(at: number): number {
  vi.setSystemTime(at);
  return at;
}

export const noLog = () => {};
