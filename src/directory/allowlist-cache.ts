// Who may use the relay: the operator's numbers (ALLOWED_SENDERS, ADMIN_SENDERS) always, and the
// numbers admins allowed at run time (the UserDirectory) through a copy each Worker isolate keeps
// for a while. Pure: when that copy answers, and when the directory must be asked.

/** The directory's allowed numbers as this isolate last read them. */
export type DirectoryCopy = { numbers: ReadonlySet<string>; fetchedAt: number };

export type AccessDecision =
  | { kind: "allowed"; via: "config" | "directory" }
  | { kind: "refused" }
  /** The copy is missing or too old to answer: read the directory, then look the number up. */
  | { kind: "ask_directory" };

/**
 * A number the copy does not have is looked up again once the copy is this old, however long
 * the TTL: an /allow made in another isolate then takes effect within seconds, while a stranger
 * writing over and over costs at most one directory read per isolate this often.
 */
export const MISS_RECHECK_MS = 5_000;

export function decideAccess(o: { phone: string; configured: (phone: string) => boolean; copy: DirectoryCopy | null; ttlMs: number; now: number }): AccessDecision {
  if (o.configured(o.phone)) return { kind: "allowed", via: "config" };
  if (o.copy === null) return { kind: "ask_directory" };
  const age = o.now - o.copy.fetchedAt;
  // A clock that went backwards makes the copy's age unknown: ask.
  if (age < 0 || age >= o.ttlMs) return { kind: "ask_directory" };
  if (o.copy.numbers.has(o.phone)) return { kind: "allowed", via: "directory" };
  return age >= Math.min(o.ttlMs, MISS_RECHECK_MS) ? { kind: "ask_directory" } : { kind: "refused" };
}

/** The answer from a copy just read (never "ask" again: a TTL of 0 would ask forever). */
export function answerFrom(copy: DirectoryCopy, phone: string): AccessDecision {
  return copy.numbers.has(phone) ? { kind: "allowed", via: "directory" } : { kind: "refused" };
}
