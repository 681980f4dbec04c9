// Everything that decides what a soak does, in one record: the arguments, and the fixed rates,
// lengths and waits of the fault plan, the senders, the webhooks and the drain. Printed and saved
// with the results, so a run can be repeated (every random choice comes from the seed) and two
// runs compared knowing what differed.
import type { SoakArgs } from "./args";
import { AT_LEAST, BURST_SIZE, OUTAGE_MS, PER_MINUTE, QUIET_END_MS, QUIET_START_MS, VM_DOWN_MS } from "./fault-plan";
import { MAX_UNRESOLVED, PATIENCE_MS, SLOW_MS, SLOW_SHARE, THINK_MS } from "./senders";
import { ATTEMPT_TIMEOUT_MS, RETRY_DELAYS_MS } from "./webhooks";

/** After the faults: the drain ends once every accepted message is answered or told and nothing new came for QUIET_MS. */
export const QUIET_MS = 10_000;
/** Longer than the relay's own dispatch retries (5+10+20+40+80 s) after the last fault. */
export const DRAIN_MAX_MS = 180_000;

export type SoakParameters = ReturnType<typeof soakParameters>;

export function soakParameters(args: SoakArgs, drainMaxMs = DRAIN_MAX_MS) {
  return {
    minutes: args.minutes,
    seed: args.seed,
    senders: args.senders,
    faults: {
      perMinute: PER_MINUTE,
      atLeast: AT_LEAST,
      vmDownMs: VM_DOWN_MS,
      outageMs: OUTAGE_MS,
      burstSize: BURST_SIZE,
      quietStartMs: QUIET_START_MS,
      quietEndMs: QUIET_END_MS,
    },
    behaviour: { slowShare: SLOW_SHARE, slowMs: SLOW_MS, patienceMs: PATIENCE_MS, thinkMs: THINK_MS, maxUnresolved: MAX_UNRESOLVED },
    webhooks: { retryDelaysMs: RETRY_DELAYS_MS, attemptTimeoutMs: ATTEMPT_TIMEOUT_MS },
    drain: { quietMs: QUIET_MS, maxMs: drainMaxMs },
  };
}

/** One line per group, for the run's output: `faults: perMinute={…} …`. */
export function describeParameters(parameters: SoakParameters): string[] {
  const { minutes, seed, senders, ...groups } = parameters;
  return [
    `minutes=${minutes} seed=${seed} senders=${senders}`,
    ...Object.entries(groups).map(([group, values]) => `${group}: ${Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}`),
  ];
}
