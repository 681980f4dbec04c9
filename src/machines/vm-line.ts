// /status's line about the VM: when it last answered, from what this object keeps (runs that
// got an answer are rows, so an eviction forgets nothing) and what this instance saw (a start or
// reconnect that failed). Pure: facts in, text out.
import { formatAgo } from "../shared/format-ago";

export type VmContact = {
  /** How the VM last answered a start or reconnect this instance made (in memory); null: none since it began. */
  observed: { ok: boolean; at: number; failure: string | null } | null;
  /** When a run last got an answer from the VM (stored); null: never. */
  answeredAt: number | null;
};

export function vmStatusLine(c: VmContact, now: number): string {
  const okAt = Math.max(c.answeredAt ?? -Infinity, c.observed?.ok ? c.observed.at : -Infinity);
  const answered = Number.isFinite(okAt) ? okAt : null;
  const failed = c.observed && !c.observed.ok && (answered === null || c.observed.at > answered) ? c.observed : null;
  if (failed) {
    const last = answered === null ? "" : `, it last answered ${formatAgo(answered, now)}`;
    return `VM: did not answer ${formatAgo(failed.at, now)} (${failed.failure})${last}; /status vm asks again.`;
  }
  return answered === null ? "VM: no run has reached it yet (/status vm asks it now)." : `VM: last answered ${formatAgo(answered, now)}.`;
}
