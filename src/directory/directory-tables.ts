// What a capability keeps in the UserDirectory: its rows' repository over the directory's database
// and the RPCs it serves there. Each capability declares its own (github/github-directory.ts, …);
// the object is composed with them at the top (index.ts, userDirectoryWith), so directory/ imports
// none of them. The tables themselves come from the directory's one numbered history
// (directory-migrations.ts): one database, one sequence of ids, whichever capability a table serves.
import type { Clock } from "../shared/clock";
import type { Sql } from "../shared/sql";

/** What a table group is built on: the directory's database and the object's one clock. */
export type DirectoryDb = { sql: Sql; clock: Clock };

/**
 * A capability's rows in the directory: `open` builds what its RPCs work on (its repository, the
 * clock), once per object; each RPC takes that first, then the caller's arguments. An RPC's name
 * is the directory's method name, so it must not be one the directory or another group serves.
 */
export type DirectoryTables = {
  open(db: DirectoryDb): unknown;
  rpcs: Record<string, (opened: never, ...args: never[]) => unknown>;
};

/** The methods a group adds to the directory, as a caller sees them (what `open` built already given). */
export type ServedBy<T extends DirectoryTables> = {
  [K in keyof T["rpcs"]]: T["rpcs"][K] extends (opened: never, ...args: infer A) => infer Out ? (...args: A) => Out : never;
};

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every group's methods together. */
export type ServedByAll<G extends Record<string, DirectoryTables>> = Intersection<{ [K in keyof G]: ServedBy<G[K]> }[keyof G]>;
