// What the stand-in's routes share.
import type { HttpFaultRule } from "./core/faults";
import type { Bucket } from "./core/rate-limit";
import type { Machines } from "./shell/machines";

export type FlyContext = {
  apps: Set<string>;
  /** The organization of each app created through the API (configured apps are `personal`'s). */
  orgs: Map<string, string>;
  tokens: string[];
  primaryRegion: string;
  /** Who a lease taken with a valid token belongs to, as Fly names a token's owner. */
  leaseOwner: string;
  machines: Machines;
  limits: { enabled: boolean; buckets: Map<string, Bucket>; faults: HttpFaultRule[] };
  /** Regions with no capacity: how many more creates fail there (Infinity: until cleared). */
  capacity: Map<string, number>;
  takeCapacityFault(region: string): boolean;
  now: () => number;
};
