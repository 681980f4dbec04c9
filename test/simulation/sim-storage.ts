// The simulated object's SQLite: one node:sqlite database that outlives every instance of the
// object (as a Durable Object's storage outlives its isolate), behind the two calls `createSql`
// uses (`sql.exec`, `transactionSync`). A crash is armed at a storage boundary: the Nth write
// statement from then throws, and what it would have lost is rolled back as workerd would lose it.
//
// workerd commits the writes made between two awaits together (its implicit transaction), and an
// explicit transactionSync all or nothing. So here a batch opens at the first write after an await
// (a savepoint) and is released in a microtask, once the synchronous code that wrote it is done;
// a crash rolls back the batch and every transaction open in it, and the instance is dead: every
// later statement throws until the simulation builds a new one over the same database.
import { createNodeStorage } from "../units/helpers/node-sqlite";

/** Thrown at the armed storage boundary, and by every statement of the dead instance after it. */
export class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash";
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|WITH)\b/i;

export type SimStorage = {
  /** A fresh handle for a new instance of the object (the old one's dead, if it crashed). */
  instance(): { sql: SqlStorage; transactionSync<T>(fn: () => T): T };
  /** The Nth write statement from now (1: the next) throws, and the instance dies with it. */
  armCrash(nthWrite: number): void;
  disarm(): void;
  /** Whether the current instance died at the armed boundary. */
  crashed(): boolean;
  /** Write statements run so far, over every instance: the storage boundaries the run crossed. */
  writes(): number;
  /** The statement each crash struck (its first line), in order: what a failing seed's trace names. */
  crashedAt(): string[];
  /** A read for the invariants, outside any instance. */
  read<T>(query: string, ...bindings: (string | number | null)[]): T[];
  close(): void;
};

/**
 * `spare`: a write that opens a batch no crash strikes (the armed crash waits for a later batch):
 * for a window a fault is known to open until another fix lands (simulate.ts, SEND_WINDOW_FAULTS).
 */
export function createSimStorage(spare: RegExp | null = null): SimStorage {
  const db = createNodeStorage();
  const raw = (query: string) => db.sql.exec(query);
  let writes = 0;
  let crashAt: number | null = null;
  let generation = 0;
  let dead = false;
  /** The open implicit batch (a savepoint), released in a microtask. */
  let batchOpen = false;
  let depth = 0;
  let batchSpared = false;
  const struck: string[] = [];

  const openBatch = (gen: number) => {
    if (batchOpen) return;
    raw("SAVEPOINT implicit_batch");
    batchOpen = true;
    queueMicrotask(() => {
      // A dead instance's batch is never committed: the next instance rolls it back.
      if (dead || gen !== generation || !batchOpen || depth > 0) return;
      raw("RELEASE implicit_batch");
      batchOpen = false;
      batchSpared = false;
    });
  };
  const gone = (gen: number) => {
    if (dead || gen !== generation) throw new SimulatedCrash("this instance of the object is gone");
  };

  return {
    instance() {
      // Whatever the dead instance left open is gone with it: its batch is rolled back.
      if (batchOpen) {
        raw("ROLLBACK TO implicit_batch");
        raw("RELEASE implicit_batch");
        batchOpen = false;
        batchSpared = false;
      }
      generation++;
      dead = false;
      depth = 0;
      const gen = generation;
      const exec = (query: string, ...bindings: SqlStorageValue[]) => {
        gone(gen);
        if (WRITE.test(query)) {
          openBatch(gen);
          writes++;
          if (spare?.test(query)) batchSpared = true;
          if (crashAt !== null && writes >= crashAt && !batchSpared) {
            dead = true;
            crashAt = null;
            struck.push(query.trim().split("\n")[0]!.slice(0, 120));
            throw new SimulatedCrash("the object crashed at a storage boundary");
          }
        }
        return db.sql.exec(query, ...bindings);
      };
      return {
        sql: { exec, get databaseSize() { return db.sql.databaseSize; } } as unknown as SqlStorage,
        transactionSync<T>(fn: () => T): T {
          gone(gen);
          openBatch(gen);
          depth++;
          try {
            return db.transactionSync(() => {
              const result = fn();
              // The crash may have been caught inside: the transaction is undone all the same.
              gone(gen);
              return result;
            });
          } finally {
            depth--;
          }
        },
      };
    },
    armCrash(nthWrite) {
      crashAt = writes + nthWrite;
    },
    disarm() {
      crashAt = null;
    },
    crashed: () => dead,
    writes: () => writes,
    crashedAt: () => struck,
    read: <T>(query: string, ...bindings: (string | number | null)[]) => db.sql.exec(query, ...bindings).toArray() as T[],
    close: () => db.close(),
  };
}
