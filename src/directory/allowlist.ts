// The allowlist check of the webhook path. The operator's numbers come from configuration; the
// directory's from a copy this isolate keeps for ALLOWLIST_CACHE_MS, so a steady stream of
// messages makes no Durable Object call for it. Fails closed: no directory, no stranger.
import type { Config } from "../config/config";
import { type Access, isolateAllowlist } from "./allowlist-copy";
import { directoryOf } from "./user-directory";

export type { Access };

/** Whether `phone` may use the relay: ALLOWED_SENDERS, ADMIN_SENDERS, then the directory. */
export function checkSender(env: Env, config: Config, phone: string): Promise<Access> {
  return isolateAllowlist.check(phone, {
    configured: (p) => config.allowedSenders.has(p) || config.adminSenders.has(p),
    ttlMs: config.allowlistCacheMs,
    load: () => directoryOf(env).allowedNumbers(),
  });
}
