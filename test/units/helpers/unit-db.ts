// A fresh migrated database per test with the repositories the units take, and a frozen clock:
// the units take `now` from their caller and measure awaits with an injected clock (frozenClock
// here: no time passes during a call unless a test moves it), while what the units' clients read
// of the system time (a stored file's date, say) follows setNow.
import { afterEach, beforeEach, vi } from "vitest";
import { createRepos, type Repos } from "../../../src/agent/repos";
import type { Sql } from "../../../src/shared/sql";
import { migratedDb, type MigratedDb } from "./node-storage";

/** 2026-11-23 10:00 UTC: every test's "now" unless it moves the clock. */
export const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
export const HOUR = 3600_000;

export const reposOf = (sql: Sql): Repos => createRepos(sql);
export type { Repos };

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

/** The units' injected clock in these tests: the frozen system time, which only setNow moves. */
export const frozenClock = () => Date.now();
