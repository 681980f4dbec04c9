// A run's reader went away (runs/reader-watch.ts): the relay is woken once the run has news and the
// grace is over, never for a reader that came back or a run that ended with its reader.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isTerminal, type VmRunEvent } from "../../src/protocol/vm/runs";
import type { RunView } from "../src/core/run-handle";
import { createReaderWatch, type Readerless, wakeDue } from "../src/runs/reader-watch";

describe("wakeDue", () => {
  const spell = (more: Partial<Readerless>): Readerless => ({ since: 1_000, newsSince: true, woke: false, ...more });
  it.each([
    ["news, grace over", spell({}), 3_000, true],
    ["news, grace not over", spell({}), 2_999, false],
    ["no news", spell({ newsSince: false }), 9_000, false],
    ["already woke this spell", spell({ woke: true }), 9_000, false],
  ] as const)("%s", (_name, r, now, due) => expect(wakeDue(r, now, 2_000)).toBe(due));
});

/** A run whose events the test emits; `finished` once a terminal one went. */
function fakeRun(id: string) {
  const listeners = new Set<(event: VmRunEvent) => void>();
  let finished = false;
  const run: RunView = {
    id,
    userKey: "u",
    eventsAfter: () => [],
    isFinished: () => finished,
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
  const emit = (event: VmRunEvent) => {
    if (isTerminal(event)) finished = true;
    for (const l of [...listeners]) l(event);
  };
  return { run, emit, listeners };
}

const progress: VmRunEvent = { type: "progress", seq: 2, text: "reading" };

describe("createReaderWatch", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  /** `taken`: whether the relay takes each wake, in turn (then always the last). */
  const watchWith = (taken: boolean[] = [true]) => {
    const woke: string[] = [];
    const watch = createReaderWatch({
      graceMs: 2_000,
      retryMs: 1_000,
      giveUpMs: 12_000,
      now: () => Date.now(),
      wake: async (run) => (woke.push(run.id), taken.length > 1 ? taken.shift()! : taken[0]!),
    });
    return { watch, woke };
  };

  it("news while nobody reads: one wake once the grace is over, and nothing after it", async () => {
    const { watch, woke } = watchWith();
    const { run, emit, listeners } = fakeRun("r1");
    watch.attached(run);
    watch.detached(run, true);
    emit(progress);
    expect(woke).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(woke).toEqual(["r1"]);
    emit(progress);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(woke).toEqual(["r1"]);
    expect(listeners.size).toBe(0);
    expect(watch.watching()).toBe(0);
  });

  it("news after the grace: the wake goes with it", async () => {
    const { watch, woke } = watchWith();
    const { run, emit } = fakeRun("r2");
    watch.attached(run);
    watch.detached(run, true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(woke).toEqual([]);
    emit(progress);
    expect(woke).toEqual(["r2"]);
  });

  it("a reader back within the grace (the relay let go on purpose): no wake, and a new spell after it goes again", async () => {
    const { watch, woke } = watchWith();
    const { run, emit } = fakeRun("r3");
    watch.attached(run);
    watch.detached(run, true);
    emit(progress);
    await vi.advanceTimersByTimeAsync(1_000);
    watch.attached(run);
    await vi.advanceTimersByTimeAsync(5_000);
    emit(progress);
    expect(woke).toEqual([]);
    watch.detached(run, true);
    await vi.advanceTimersByTimeAsync(2_000);
    emit(progress);
    expect(woke).toEqual(["r3"]);
  });

  it("no wake while another stream of the run is open, for a stream the run's end closed, or for a finished run", async () => {
    const { watch, woke } = watchWith();
    const a = fakeRun("r4");
    watch.attached(a.run);
    watch.attached(a.run);
    watch.detached(a.run, true);
    a.emit(progress);
    await vi.advanceTimersByTimeAsync(5_000);
    const b = fakeRun("r5");
    watch.attached(b.run);
    watch.detached(b.run, false);
    b.emit(progress);
    await vi.advanceTimersByTimeAsync(5_000);
    const c = fakeRun("r6");
    watch.attached(c.run);
    c.emit({ type: "done", seq: 3, toolCalls: [] } as unknown as VmRunEvent);
    watch.detached(c.run, true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(woke).toEqual([]);
    expect(watch.watching()).toBe(0);
  });

  it("the VM's close: nothing watched, no wake after it", async () => {
    const { watch, woke } = watchWith();
    const { run, emit, listeners } = fakeRun("r7");
    watch.attached(run);
    watch.detached(run, true);
    watch.close();
    emit(progress);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(woke).toEqual([]);
    expect(listeners.size).toBe(0);
  });
});

describe("a wake the relay did not take", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const run = () => fakeRun("r8");
  const progressAt = (emit: (e: VmRunEvent) => void) => emit({ type: "progress", seq: 2, text: "x" });

  it("is tried again each second until taken, then no more", async () => {
    const woke: number[] = [];
    const answers = [false, false, true];
    const watch = createReaderWatch({ graceMs: 2_000, retryMs: 1_000, giveUpMs: 12_000, now: () => Date.now(), wake: async () => (woke.push(Date.now()), answers.shift() ?? true) });
    const r = run();
    const start = Date.now();
    watch.attached(r.run);
    watch.detached(r.run, true);
    progressAt(r.emit);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(woke.map((at) => at - start)).toEqual([2_000, 3_000, 4_000]);
    expect(watch.watching()).toBe(0);
  });

  it("gives up once the relay's watchdog has read the run, and stops when a reader comes back", async () => {
    const woke: number[] = [];
    const watch = createReaderWatch({ graceMs: 2_000, retryMs: 1_000, giveUpMs: 12_000, now: () => Date.now(), wake: async () => (woke.push(Date.now()), false) });
    const a = run();
    const start = Date.now();
    watch.attached(a.run);
    watch.detached(a.run, true);
    progressAt(a.emit);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(woke.map((at) => at - start)).toEqual([2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000, 11_000, 12_000]);
    expect(watch.watching()).toBe(0);

    woke.length = 0;
    const b = fakeRun("r9");
    watch.attached(b.run);
    watch.detached(b.run, true);
    progressAt(b.emit);
    await vi.advanceTimersByTimeAsync(3_500);
    watch.attached(b.run);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(woke).toHaveLength(2);
    expect(watch.watching()).toBe(0);
  });
});
