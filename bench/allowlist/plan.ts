// What the allowlist benchmark sends: the webhook with the directory in its path, against the
// same webhook from an operator-configured sender, in the shapes the relay section already
// measures (its ingress load and its Worker-alone load), so the previous run's figures compare.
import type { LoadShape } from "../relay/plan";

/** How the relay under test answers the allowlist: its default copy per isolate, or none at all. */
export type CacheMode = { key: "cached" | "uncached"; label: string; ttlMs: number | null };
/** null: ALLOWLIST_CACHE_MS left unset (the default, 60 s). */
export const CACHE_MODES: readonly CacheMode[] = [
  { key: "cached", label: "cached", ttlMs: null },
  { key: "uncached", label: "uncached: ALLOWLIST_CACHE_MS=0", ttlMs: 0 },
];

export type AllowlistLoadKey = "configured" | "directory" | "refused";

export type AllowlistLoad = { key: AllowlistLoadKey; shape: LoadShape; loadIndex: number };

/** Both ingress loads are the relay section's (40 phones, 50 in flight, agent down); refused is its Worker-alone load. */
export function allowlistLoads(quick: boolean): Record<AllowlistLoadKey, AllowlistLoad> {
  const ingress = (key: "configured" | "directory", who: string, loadIndex: number): AllowlistLoad => ({
    key,
    loadIndex,
    shape: { key, label: `ingress, agent down, ${who}: 40 phones, 50 in flight`, phones: 40, messagesPerPhone: quick ? 5 : 25, concurrency: 50, burst: false, spread: true },
  });
  return {
    configured: ingress("configured", "senders in ALLOWED_SENDERS", 1),
    directory: ingress("directory", "senders allowed by /allow", 2),
    refused: {
      key: "refused",
      loadIndex: 3,
      shape: { key: "refused", label: "Worker alone, senders not allowed, 50 in flight", phones: quick ? 10 : 100, messagesPerPhone: 10, concurrency: 50, burst: false },
    },
  };
}

/** The relay section's figures these are compared with, in the previous run that has them. */
export const BASELINE_LABELS: Record<AllowlistLoadKey, string> = {
  configured: "ingress, agent down: 40 phones, 50 in flight",
  directory: "ingress, agent down: 40 phones, 50 in flight",
  refused: "Worker alone, senders not allowed, 50 in flight",
};

/** The admin whose /allow commands fill the directory (ADMIN_SENDERS of every relay started here). */
export const BENCH_ADMIN = "+15559000001";
