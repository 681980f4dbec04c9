// This isolate's copy of the user directory's allowlist: read by the webhook path's check
// (directory/allowlist.ts), forgotten by an admin's change made in the same isolate, so the change
// holds at once where it was made. Other isolates' copies expire within ALLOWLIST_CACHE_MS.
import { answerFrom, decideAccess, type DirectoryCopy } from "./allowlist-cache";
import { type Clock, systemClock } from "../shared/clock";
import { logEvent } from "../shared/log";

export type Access = { allowed: true; via: "config" | "directory" } | { allowed: false; reason: "not_allowed" | "directory_unreachable" };

/** A directory that does not answer within this long counts as unreachable (Twilio waits 15 s). */
const DIRECTORY_TIMEOUT_MS = 3_000;

export function createAllowlistCache(clock: Clock = systemClock) {
  let copy: DirectoryCopy | null = null;
  let reading: Promise<DirectoryCopy> | null = null;
  // Bumped by forget(): a read that started before a change must not become the copy after it.
  let generation = 0;
  const read = (load: () => Promise<readonly string[]>): Promise<DirectoryCopy> => {
    // One read at a time per isolate: a burst of webhooks after the copy expired shares it.
    reading ??= (async () => {
      const started = generation;
      try {
        const fresh = { numbers: new Set(await withTimeout(load(), DIRECTORY_TIMEOUT_MS)), fetchedAt: clock() };
        if (started === generation) copy = fresh;
        return fresh;
      } finally {
        reading = null;
      }
    })();
    return reading;
  };
  return {
    async check(phone: string, o: { configured: (phone: string) => boolean; ttlMs: number; load: () => Promise<readonly string[]> }): Promise<Access> {
      let decision = decideAccess({ phone, configured: o.configured, copy, ttlMs: o.ttlMs, now: clock() });
      if (decision.kind === "ask_directory") {
        try {
          decision = answerFrom(await read(o.load), phone);
        } catch (error) {
          logEvent("allowlist_unreachable", { phone, error: error instanceof Error ? error.message : String(error) });
          return { allowed: false, reason: "directory_unreachable" };
        }
      }
      return decision.kind === "allowed" ? { allowed: true, via: decision.via } : { allowed: false, reason: "not_allowed" };
    },
    /** After a change made from this isolate: the next check reads the directory again. */
    forget(): void {
      copy = null;
      generation++;
    },
  };
}

/**
 * This isolate's copy. Module state on purpose: it is shared by every request the isolate serves
 * and by any Durable Object running in it, which is what lets an admin's change be seen at once
 * where it was made. Other isolates see it within ALLOWLIST_CACHE_MS (an /allow within seconds).
 */
export const isolateAllowlist = createAllowlistCache();

/** Call after changing the directory from this isolate. */
export function forgetAllowlistCopy(): void {
  isolateAllowlist.forget();
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
