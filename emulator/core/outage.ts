// Outage windows of the emulated REST API: which one is in force for a recipient, and what a 429 tells the client.
import { phoneOf } from "./phone";

export type OutageStatus = 429 | 500 | 503;
/** `to` is a bare `+E164`, or undefined for every recipient; the window is [startedAt, endsAt). */
export type Outage = { to: string | undefined; status: OutageStatus; startedAt: number; endsAt: number };

export function isInForce(outage: Outage, now: number): boolean {
  return outage.startedAt <= now && now < outage.endsAt;
}

/** The outage a create to `to` meets at `now`: of those in force, the one that lasts longest. */
export function outageFor(outages: readonly Outage[], to: string, now: number): Outage | undefined {
  const recipient = phoneOf(to);
  return outages
    .filter((o) => isInForce(o, now) && (o.to === undefined || o.to === recipient))
    .reduce<Outage | undefined>((longest, o) => (longest === undefined || o.endsAt > longest.endsAt ? o : longest), undefined);
}

/** `Retry-After` in whole seconds until the window ends, never less than 1 (HTTP has no 0-second hint). */
export function retryAfterSeconds(endsAt: number, now: number): number {
  return Math.max(1, Math.ceil((endsAt - now) / 1000));
}
