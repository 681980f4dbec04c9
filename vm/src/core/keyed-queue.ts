// Work queued per key: one piece of work per key at a time, in order, whatever the last one did.
// No I/O; the callers (checkpoints, archives) decide what a key is.

export type KeyedQueue = <T>(key: string, work: () => Promise<T>) => Promise<T>;

export function createKeyedQueue(): KeyedQueue {
  const chains = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (chains.get(key) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    chains.set(key, settled);
    // The map holds only keys with work still queued.
    void settled.then(() => chains.get(key) === settled && chains.delete(key));
    return next;
  };
}
