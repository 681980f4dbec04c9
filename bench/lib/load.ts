// A bounded load generator: items in lanes, one request per lane in flight, at most N in flight.
// A lane is one sender (a phone): its items go out one after another, as a person types them.

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export type Sample<T> = {
  item: T;
  sentAt: number;
  /** When the response's status and headers arrived: the moment the server accepted the item. */
  respondedAt: number;
  /** When the whole response body had been read. */
  doneAt: number;
  status: number;
  error: string | null;
};

export type LoadResult<T> = { samples: Sample<T>[]; startedAt: number; endedAt: number; timedOut: boolean };

export type LoadOptions<T> = {
  lanes: readonly (readonly T[])[];
  concurrency: number;
  send: (item: T, signal: AbortSignal) => Promise<Response>;
  /** The whole load stops taking items after this long, and requests still open are aborted. */
  timeoutMs: number;
};

export async function runLanes<T>(options: LoadOptions<T>): Promise<LoadResult<T>> {
  const { lanes, send } = options;
  if (options.concurrency < 1) throw new RangeError("concurrency must be at least 1");
  const stop = AbortSignal.timeout(options.timeoutMs);
  const next = lanes.map(() => 0);
  const ready: number[] = lanes.flatMap((lane, i) => (lane.length > 0 ? [i] : []));
  let remaining = lanes.reduce((n, lane) => n + lane.length, 0);
  const waiters: (() => void)[] = [];
  const samples: Sample<T>[] = [];

  const takeLane = async (): Promise<number | null> => {
    for (;;) {
      if (remaining === 0 || stop.aborted) return null;
      const lane = ready.shift();
      if (lane !== undefined) return lane;
      // Every lane with items left is in flight: wait until one comes back.
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const wakeAll = () => waiters.splice(0).forEach((w) => w());
  stop.addEventListener("abort", wakeAll);

  const worker = async () => {
    for (let lane = await takeLane(); lane !== null; lane = await takeLane()) {
      const item = lanes[lane]![next[lane]!++]!;
      samples.push(await sendOne(item, send, stop));
      remaining -= 1;
      if (next[lane]! < lanes[lane]!.length) ready.push(lane);
      if (remaining === 0) wakeAll();
      else waiters.shift()?.();
    }
  };

  const startedAt = nowMs();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, ready.length)) }, worker));
  stop.removeEventListener("abort", wakeAll);
  return { samples, startedAt, endedAt: nowMs(), timedOut: remaining > 0 };
}

async function sendOne<T>(item: T, send: LoadOptions<T>["send"], signal: AbortSignal): Promise<Sample<T>> {
  const sentAt = nowMs();
  try {
    const response = await send(item, signal);
    const respondedAt = nowMs();
    await response.arrayBuffer();
    return { item, sentAt, respondedAt, doneAt: nowMs(), status: response.status, error: null };
  } catch (error) {
    const at = nowMs();
    return { item, sentAt, respondedAt: at, doneAt: at, status: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Completed requests per second over the load's wall time (only 2xx count as completed). */
export function throughput<T>(result: LoadResult<T>): number {
  const ok = result.samples.filter((s) => s.status >= 200 && s.status < 300).length;
  const seconds = (result.endedAt - result.startedAt) / 1000;
  return seconds > 0 ? ok / seconds : Number.NaN;
}
