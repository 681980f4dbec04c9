// The one clock: an entry point (fetch, alarm, RPC) reads it once and passes `now` (epoch ms) down.
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
